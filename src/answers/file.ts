/** Reading and writing `fraiseql-deploy.yaml`, the saved answers. */
import { fs, fsPromises } from "../builtins.js";
import path from "node:path";
import yaml from "js-yaml";
import { InvalidAnswersError, UsageError } from "../errors.js";
import { detectProject } from "./detect.js";
import { ANSWERS_FILE, ANSWERS_VERSION, flatten, flattenAnswers, nest, resolveAnswers } from "./resolve.js";
import type { PartialAnswers } from "./fields.js";
import type { Answers } from "./types.js";
import { yamlString } from "../generate/escape.js";

/** Answers files are UTF-8: anything else is refused by name, never read as mojibake. */
export function decodeAnswersText(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidAnswersError([{ field: "(file)", rule: "is not valid UTF-8 text; save it as UTF-8" }], source);
  }
}

/** An answers file's text (UTF-8, or refused by name); undefined when there is none, a folder is refused by name. */
export function readAnswersFileIfPresent(file: string, shown: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if ((error as NodeJS.ErrnoException).code === "EISDIR") throw new UsageError(`${shown}: is a folder, not an answers file`);
    throw error;
  }
  return decodeAnswersText(bytes, shown);
}

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
    `# Answers for fraiseql-deploy ${toolVersion}. Change one and run \`npx fraiseql-deploy upgrade\`: it merges the change into files you edited.`,
    "# Holds no secrets: only the names of the Kubernetes Secrets that hold them.",
  ].join("\n");
  const lines = [header];
  emitMapping({ version: ANSWERS_VERSION, ...nest(flatten(answers)) }, "", lines);
  return `${lines.join("\n")}\n`;
}

// A small block-style YAML writer for the answers (nested mappings of scalars and lists of scalars): js-yaml's
// dumper cost ~3 ms of every init on its first, interpreted run. The round-trip tests parse its output back.
const plainSafe = /^[A-Za-z][A-Za-z0-9._/-]*$/;
/** Words some YAML reader (1.1 or 1.2) would not read as a string. */
const reservedWords = /^(true|false|yes|no|on|off|y|n|null)$/i;

function yamlScalar(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return plainSafe.test(text) && !reservedWords.test(text) ? text : yamlString(text);
}

function emitMapping(node: Record<string, unknown>, indent: string, lines: string[]): void {
  for (const [name, value] of Object.entries(node)) {
    const key = /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : yamlString(name);
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${indent}${key}: []`);
      else {
        lines.push(`${indent}${key}:`);
        for (const item of value) lines.push(`${indent}  - ${yamlScalar(item)}`);
      }
    } else if (value !== null && typeof value === "object") {
      lines.push(`${indent}${key}:`);
      emitMapping(value as Record<string, unknown>, `${indent}  `, lines);
    } else {
      lines.push(`${indent}${key}: ${yamlScalar(value)}`);
    }
  }
}

/** The answers a repository was generated with, for the commands that act on a generated tree (build, verify). */
export async function loadSavedAnswers(root: string): Promise<Answers> {
  let text: string;
  try {
    text = decodeAnswersText(await fsPromises.readFile(path.join(root, ANSWERS_FILE)), ANSWERS_FILE);
  } catch (error) {
    if (error instanceof InvalidAnswersError) throw error;
    throw new UsageError(`${path.join(root, ANSWERS_FILE)} not found: run \`fraiseql-deploy init\` first, or pass the repository folder`);
  }
  return resolveAnswers(parseAnswersText(text, ANSWERS_FILE), await detectProject(root), ANSWERS_FILE);
}
