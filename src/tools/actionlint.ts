/** actionlint: GitHub Actions workflow linter (`-format '{{json .}}'`). */
import type { Finding } from "../checks/types.js";

export interface ActionlintOptions {
  files: readonly string[];
  /** Path of shellcheck for `run:` scripts; "" disables it; undefined lets actionlint look on PATH. */
  shellcheck?: string;
  /** Path of pyflakes for python scripts; "" (default) disables it. */
  pyflakes?: string;
}

export function actionlintArgs(options: ActionlintOptions): string[] {
  return [
    "-format",
    "{{json .}}",
    "-no-color",
    ...(options.shellcheck !== undefined ? [`-shellcheck=${options.shellcheck}`] : []),
    `-pyflakes=${options.pyflakes ?? ""}`,
    ...options.files,
  ];
}

/** 0: clean, 1: problems found, 2: bad options, 3: fatal error. */
export function actionlintCrashed(exitCode: number): boolean {
  return exitCode !== 0 && exitCode !== 1;
}

interface ActionlintError {
  message?: string;
  filepath?: string;
  line?: number;
  kind?: string;
}

/**
 * Every actionlint error is an error, except shellcheck's info/style notes on
 * `run:` scripts, which actionlint forwards as "SC2086:info:1:25: ...".
 */
export function parseActionlint(stdout: string, checkId: string): Finding[] {
  let errors: ActionlintError[] | null;
  try {
    errors = JSON.parse(stdout.trim() === "" ? "[]" : stdout) as ActionlintError[] | null;
  } catch {
    throw new Error(`actionlint did not print JSON: ${stdout.trim().slice(0, 300)}`);
  }
  return (errors ?? []).map((e) => {
    const message = e.message ?? "";
    const sc = /shellcheck reported issue in this script: (SC\d+):(\w+):/.exec(message);
    const rule = sc?.[1] ?? e.kind ?? "actionlint";
    const severity = sc && sc[2] !== "error" && sc[2] !== "warning" ? "warning" : "error";
    const fix = sc
      ? `see https://www.shellcheck.net/wiki/${rule}`
      : /is potentially untrusted/.test(message)
        ? "pass the value through an env: variable and quote it in the script"
        : undefined;
    return {
      checkId,
      ...(e.filepath ? { file: e.filepath } : {}),
      ...(e.line ? { line: e.line } : {}),
      rule,
      severity,
      message,
      ...(fix ? { fix } : {}),
    };
  });
}
