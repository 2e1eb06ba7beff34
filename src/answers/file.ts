/** Reading and writing `fraiseql-deploy.yaml`, the saved answers. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { InvalidAnswersError, UsageError } from "../errors.js";
import { detectProject } from "./detect.js";
import { ANSWERS_FILE, ANSWERS_VERSION, flatten, flattenAnswers, nest, resolveAnswers } from "./resolve.js";
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

/** The answers a repository was generated with, for the commands that act on a generated tree (build, verify). */
export async function loadSavedAnswers(root: string): Promise<Answers> {
  let text: string;
  try {
    text = await readFile(path.join(root, ANSWERS_FILE), "utf8");
  } catch {
    throw new UsageError(`${path.join(root, ANSWERS_FILE)} not found: run \`fraiseql-deploy init\` first, or pass the repository folder`);
  }
  return resolveAnswers(parseAnswersText(text, ANSWERS_FILE), await detectProject(root), ANSWERS_FILE);
}
