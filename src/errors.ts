/**
 * Typed errors and the one place that maps them to exit codes. Exit codes are
 * part of the public interface (README "Exit codes"); change them only with a
 * major version.
 */
export const ExitCode = {
  ok: 0,
  /** verify: at least one check reported a finding. status: the generated files drifted (upgrade would change them). */
  findings: 1,
  /** Bad usage (unknown flag, invalid answer, malformed answers file) or a tool error (missing, crashed). */
  usage: 2,
  /** A file that exists would be overwritten and no consent was given. */
  conflict: 3,
  /** A required external tool is missing or failed to run: the same code as usage, as CI scripts expect. */
  tool: 2,
  /** upgrade: overlapping edits were written with conflict markers, or files wait for a decision; resolve them (status lists them). */
  unresolved: 4,
  /** The generated tree failed its own checks (a bug in fraiseql-deploy). */
  internal: 5,
  /** The user interrupted (Ctrl-C) or declined. */
  aborted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class DeployError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One answer broke one rule; `field` is the dotted answers key. */
export interface AnswerProblem {
  field: string;
  rule: string;
}

export class InvalidAnswersError extends DeployError {
  constructor(
    readonly problems: readonly AnswerProblem[],
    source: string,
  ) {
    super(
      `invalid answers (${source}):`,
      ExitCode.usage,
      problems.map((p) => `${p.field}: ${p.rule}`),
    );
  }
}

export class UsageError extends DeployError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.usage, details);
  }
}

export class ConflictError extends DeployError {
  constructor(
    readonly paths: readonly string[],
    hint?: string,
  ) {
    super(
      `these files already exist and would change; nothing was written. Re-run with --force to overwrite them, --skip-existing to keep them, or interactively to choose per file.${hint ? ` ${hint}` : ""} The files:`,
      ExitCode.conflict,
      paths,
    );
  }
}

/** upgrade: files still hold conflict markers, and would change again; nothing was written. */
export class UnresolvedError extends DeployError {
  constructor(message: string, details: readonly string[]) {
    super(message, ExitCode.unresolved, details);
  }
}

/** upgrade: a merged file does not parse or validate; nothing was written. */
export class MergeCheckError extends DeployError {
  constructor(details: readonly string[]) {
    super(
      "the merged files failed the checks init runs on every file (your edits and the new version do not combine into valid files); nothing was written. `fraiseql-deploy diff` shows the merge; edit the files so they merge, or take the new version of each on a terminal:",
      ExitCode.conflict,
      details,
    );
  }
}

export class ToolError extends DeployError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.tool, details);
  }
}

export class AbortedError extends DeployError {
  constructor(message = "aborted; nothing was written") {
    super(message, ExitCode.aborted);
  }
}

export class InternalCheckError extends DeployError {
  constructor(message: string, details: readonly string[]) {
    super(message, ExitCode.internal, details);
  }
}

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof DeployError) return error.exitCode;
  if (isPromptCancel(error)) return ExitCode.aborted;
  return ExitCode.internal;
}

/** @inquirer/prompts rejects with ExitPromptError on Ctrl-C. */
export function isPromptCancel(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}

export function formatError(error: unknown): string {
  if (error instanceof DeployError) {
    return [`error: ${error.message}`, ...error.details.map((d) => `  - ${d}`)].join("\n");
  }
  if (isPromptCancel(error)) return "aborted; nothing was written";
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error (please report it): ${text}`;
}
