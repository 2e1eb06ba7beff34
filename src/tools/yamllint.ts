/** yamllint: YAML style and correctness (`-f parsable`: `file:line:col: [level] message (rule)`). */
import type { Finding } from "../checks/types.js";

export interface YamllintOptions {
  files: readonly string[];
  configFile?: string;
}

/**
 * The configuration verify uses: yamllint's defaults (duplicate keys, indentation,
 * trailing spaces, truthy values...) without the rules generated files cannot or
 * need not satisfy: line length (URLs, base64) and the `---` document start.
 * `check-keys: false` lets workflows use the `on:` key while `yes`/`on` values
 * are still reported.
 */
export function yamllintConfig(): string {
  return [
    "extends: default",
    "rules:",
    "  line-length: disable",
    "  document-start: disable",
    "  truthy:",
    "    allowed-values: ['true', 'false']",
    "    check-keys: false",
    "",
  ].join("\n");
}

export function yamllintArgs(options: YamllintOptions): string[] {
  return ["--format", "parsable", ...(options.configFile ? ["--config-file", options.configFile] : []), ...options.files];
}

/** 0: clean (or warnings only), 1: errors. Anything else is yamllint failing. */
export function yamllintCrashed(exitCode: number): boolean {
  return exitCode !== 0 && exitCode !== 1;
}

const fixes: Record<string, string> = {
  "trailing-spaces": "delete the trailing spaces",
  "new-line-at-end-of-file": "end the file with a newline",
  "key-duplicates": "remove the duplicate key (the last one silently wins)",
  truthy: "use true or false (or quote the string)",
  "empty-lines": "remove the extra blank lines",
  comments: "put a space after # (and two before an inline comment)",
};

export function parseYamllint(stdout: string, checkId: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const match = /^(.*?):(\d+):(\d+): \[(error|warning)\] (.*?)(?: \(([\w-]+)\))?$/.exec(line);
    if (!match) throw new Error(`unexpected yamllint output: ${line.slice(0, 300)}`);
    const rule = match[6] ?? "syntax";
    const fix = fixes[rule];
    findings.push({
      checkId,
      file: match[1] ?? "",
      line: Number(match[2]),
      rule,
      severity: match[4] === "error" ? "error" : "warning",
      message: match[5] ?? "",
      ...(fix ? { fix } : {}),
    });
  }
  return findings;
}
