/**
 * Turns raw inputs (answers file, --set, wizard replies) into complete,
 * validated Answers. Pure: no I/O here, so every rule is unit-testable.
 */
import { InvalidAnswersError, type AnswerProblem } from "../errors.js";
import { fields, type Field, type PartialAnswers, type ProjectFacts } from "./fields.js";
import type { AnswerValue, Answers } from "./types.js";

export const ANSWERS_FILE = "fraiseql-deploy.yaml";
export const ANSWERS_VERSION = 1;

/** Flattens a nested answers object to dotted keys, reporting unknown or mistyped keys. */
export function flattenAnswers(input: unknown, source: string): PartialAnswers {
  const flat: PartialAnswers = {};
  const problems: AnswerProblem[] = [];
  if (input === null || input === undefined) return flat;
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new InvalidAnswersError([{ field: "(file)", rule: "must be a YAML mapping of answers" }], source);
  }
  const known = new Set(fields.map((f) => f.key));
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (path === "version") continue;
      if (known.has(path)) {
        flat[path] = value as AnswerValue;
      } else if (value !== null && typeof value === "object" && !Array.isArray(value) && hasKnownChild(path)) {
        walk(value as Record<string, unknown>, path);
      } else {
        problems.push({ field: path, rule: `is not a known answer${suggest(path)}` });
      }
    }
  };
  walk(input as Record<string, unknown>, "");
  const version = (input as Record<string, unknown>).version;
  if (version !== undefined && version !== ANSWERS_VERSION) {
    problems.push({ field: "version", rule: `must be ${ANSWERS_VERSION} (this fraiseql-deploy reads answers format ${ANSWERS_VERSION})` });
  }
  if (problems.length > 0) throw new InvalidAnswersError(problems, source);
  return flat;
}

function hasKnownChild(prefix: string): boolean {
  return fields.some((f) => f.key.startsWith(`${prefix}.`));
}

function suggest(path: string): string {
  const last = path.split(".").pop() ?? path;
  const close = fields.find((f) => f.key.split(".").pop()?.toLowerCase() === last.toLowerCase() || editDistance(f.key, path) <= 2);
  return close ? `; did you mean ${close.key}?` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** Parses `--set key=value` strings; the value is coerced by the field's type. */
export function parseSetFlags(sets: readonly string[]): PartialAnswers {
  const flat: PartialAnswers = {};
  const problems: AnswerProblem[] = [];
  for (const raw of sets) {
    const eq = raw.indexOf("=");
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const field = fields.find((f) => f.key === key);
    if (eq < 0) {
      problems.push({ field: key, rule: "--set needs key=value" });
    } else if (!field) {
      problems.push({ field: key, rule: `is not a known answer${suggest(key)}` });
    } else {
      const coerced = coerceText(field, raw.slice(eq + 1));
      if (typeof coerced === "object" && "problem" in coerced) problems.push({ field: key, rule: coerced.problem });
      else flat[key] = coerced;
    }
  }
  if (problems.length > 0) throw new InvalidAnswersError(problems, "--set");
  return flat;
}

/** Like parseSetFlags, but returns the problems so they can be reported with the answers' own. */
export function parseSetFlagsLenient(sets: readonly string[]): { values: PartialAnswers; problems: AnswerProblem[] } {
  const values: PartialAnswers = {};
  const problems: AnswerProblem[] = [];
  for (const raw of sets) {
    try {
      Object.assign(values, parseSetFlags([raw]));
    } catch (error) {
      if (error instanceof InvalidAnswersError) problems.push(...error.problems);
      else throw error;
    }
  }
  return { values, problems };
}

/** Converts text typed by a person (a --set value, a wizard reply) to the field's type. */
export function coerceText(field: Field, text: string): AnswerValue | { problem: string } {
  const trimmed = text.trim();
  switch (field.type) {
    case "integer":
      return /^-?[0-9]+$/.test(trimmed) ? Number(trimmed) : { problem: "must be a whole number" };
    case "boolean":
      if (/^(true|yes|y|on|1)$/i.test(trimmed)) return true;
      if (/^(false|no|n|off|0)$/i.test(trimmed)) return false;
      return { problem: "must be true or false" };
    case "string-list":
    case "enum-list": {
      const inner = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
      return inner === "" ? [] : inner.split(",").map((s) => s.trim().replace(/^["']|["']$/g, ""));
    }
    default:
      return text;
  }
}

/** Checks one value against its field's type and rules. */
export function checkValue(field: Field, value: unknown, answers: PartialAnswers, crossField = true): string[] {
  const problems: string[] = [];
  switch (field.type) {
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return ["must be a whole number"];
      if (field.minimum !== undefined && value < field.minimum) problems.push(`must be at least ${field.minimum}`);
      if (field.maximum !== undefined && value > field.maximum) problems.push(`must be at most ${field.maximum}`);
      break;
    case "boolean":
      if (typeof value !== "boolean") return ["must be true or false"];
      break;
    case "string":
    case "enum":
      if (typeof value !== "string") return ["must be a string"];
      problems.push(...checkString(field, value));
      break;
    case "string-list":
    case "enum-list":
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return ["must be a list of strings"];
      if (field.minItems !== undefined && value.length < field.minItems) {
        problems.push(`needs at least ${field.minItems} item${field.minItems === 1 ? "" : "s"}`);
      }
      if (new Set(value).size !== value.length) problems.push("must not repeat an item");
      for (const item of value as string[]) {
        for (const p of checkString(field, item)) problems.push(`item "${item}" ${p}`);
      }
      break;
  }
  if (problems.length === 0 && crossField && field.check) {
    const broken = field.check(value as AnswerValue, answers);
    if (broken) problems.push(broken);
  }
  return problems;
}

function checkString(field: Field, value: string): string[] {
  const problems: string[] = [];
  if (field.choices && !field.choices.some((c) => c.value === value)) {
    problems.push(`must be one of: ${field.choices.map((c) => c.value).join(", ")}`);
    return problems;
  }
  if (field.minLength !== undefined && value.length < field.minLength) problems.push(`must be at least ${field.minLength} characters`);
  if (field.maxLength !== undefined && value.length > field.maxLength) problems.push(`must be at most ${field.maxLength} characters`);
  if (field.pattern && !field.pattern.regex.test(value)) problems.push(field.pattern.rule);
  return problems;
}

export function isActive(field: Field, answers: PartialAnswers): boolean {
  return field.when ? field.when(answers) : true;
}

export function defaultFor(field: Field, answers: PartialAnswers, facts: ProjectFacts): AnswerValue {
  return typeof field.default === "function" ? field.default(answers, facts) : structuredClone(field.default);
}

/**
 * Fills every unanswered field with its default, in declaration order, and
 * validates the active ones. Throws InvalidAnswersError listing every problem.
 */
export function resolveAnswers(
  given: PartialAnswers,
  facts: ProjectFacts,
  source: string,
  earlierProblems: readonly AnswerProblem[] = [],
): Answers {
  const flat: PartialAnswers = {};
  const problems: AnswerProblem[] = [...earlierProblems];
  for (const field of fields) {
    flat[field.key] = field.key in given ? (given[field.key] as AnswerValue) : defaultFor(field, flat, facts);
  }
  for (const field of fields) {
    // An inactive answer (e.g. ingress.host with the Ingress off) is kept and type-checked, but its
    // cross-field rules do not apply until it becomes active.
    const active = isActive(field, flat);
    if (!active && !(field.key in given)) continue;
    for (const rule of checkValue(field, flat[field.key], flat, active)) problems.push({ field: field.key, rule });
  }
  if (problems.length > 0) throw new InvalidAnswersError(problems, source);
  return nest(flat) as unknown as Answers;
}

/** Answers a user must give when nothing can ask them: the wizard's non-advanced questions. */
export function missingRequired(given: PartialAnswers, facts: ProjectFacts): string[] {
  const flat: PartialAnswers = {};
  const missing: string[] = [];
  for (const field of fields) {
    flat[field.key] = field.key in given ? (given[field.key] as AnswerValue) : defaultFor(field, flat, facts);
    if (!field.advanced && isActive(field, flat) && !(field.key in given)) missing.push(field.key);
  }
  return missing;
}

export function nest(flat: PartialAnswers): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

export function flatten(answers: Answers): PartialAnswers {
  const flat: PartialAnswers = {};
  for (const field of fields) {
    let node: unknown = answers;
    for (const part of field.key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
    if (node !== undefined) flat[field.key] = node as AnswerValue;
  }
  return flat;
}
