/** Reading and writing `fraiseql-deploy.yaml`, the saved answers. */
import yaml from "js-yaml";
import { InvalidAnswersError } from "../errors.js";
import { ANSWERS_VERSION, flatten, flattenAnswers, nest } from "./resolve.js";
import type { PartialAnswers } from "./fields.js";
import type { Answers } from "./types.js";

export function parseAnswersText(text: string, source: string): PartialAnswers {
  let data: unknown;
  try {
    data = yaml.load(text, { filename: source, schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InvalidAnswersError([{ field: "(file)", rule: `is not valid YAML: ${reason}` }], source);
  }
  return flattenAnswers(data, source);
}

export function serializeAnswers(answers: Answers, toolVersion: string): string {
  const header = [
    `# Answers for fraiseql-deploy ${toolVersion}. Re-run \`npx fraiseql-deploy init\` to regenerate the same files.`,
    "# Holds no secrets: only the names of the Kubernetes Secrets that hold them.",
  ].join("\n");
  const body = yaml.dump({ version: ANSWERS_VERSION, ...nest(flatten(answers)) }, { lineWidth: -1, noRefs: true, quotingType: '"' });
  return `${header}\n${body}`;
}
