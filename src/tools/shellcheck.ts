/** shellcheck: shell script linter (`-f json1`: {comments: [...]}). */
import type { Finding } from "../checks/types.js";

export interface ShellcheckOptions {
  files: readonly string[];
  /** Follow `source` statements (-x). Default true. */
  externalSources?: boolean;
  /** Minimum severity: error, warning, info, style (shellcheck's default: style). */
  severity?: "error" | "warning" | "info" | "style";
}

export function shellcheckArgs(options: ShellcheckOptions): string[] {
  return [
    "--format",
    "json1",
    ...(options.externalSources === false ? [] : ["--external-sources"]),
    ...(options.severity ? ["--severity", options.severity] : []),
    ...options.files,
  ];
}

/** 0: clean, 1: findings. Anything else is shellcheck failing (missing file, bad option). */
export function shellcheckCrashed(exitCode: number): boolean {
  return exitCode !== 0 && exitCode !== 1;
}

interface ShellcheckComment {
  file?: string;
  line?: number;
  level?: string;
  code?: number;
  message?: string;
  fix?: { replacements?: unknown[] } | null;
}

/** shellcheck levels error/warning/info/style: error stays an error, the rest are warnings. */
export function parseShellcheck(stdout: string, checkId: string): Finding[] {
  let report: { comments?: ShellcheckComment[] };
  try {
    report = JSON.parse(stdout) as typeof report;
  } catch {
    throw new Error(`shellcheck did not print JSON: ${stdout.trim().slice(0, 300) || "(no output)"}`);
  }
  return (report.comments ?? []).map((c) => {
    const rule = `SC${String(c.code ?? 0)}`;
    const autoFix = Array.isArray(c.fix?.replacements) && c.fix.replacements.length > 0;
    return {
      checkId,
      ...(c.file ? { file: c.file } : {}),
      ...(c.line ? { line: c.line } : {}),
      rule,
      // Generated scripts must be clean at shellcheck's warning level; info and style are advice.
      severity: c.level === "error" || c.level === "warning" ? "error" : "warning",
      message: c.message ?? "",
      fix: autoFix ? `shellcheck can apply the fix: shellcheck -f diff ${c.file ?? ""} | git apply` : `see https://www.shellcheck.net/wiki/${rule}`,
    };
  });
}
