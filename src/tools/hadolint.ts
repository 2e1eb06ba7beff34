/** hadolint: Dockerfile linter (`-f json`: one object per finding). */
import type { Finding } from "../checks/types.js";

export interface HadolintOptions {
  files: readonly string[];
  /** A hadolint config file; without one hadolint looks for .hadolint.yaml itself. */
  config?: string;
}

export function hadolintArgs(options: HadolintOptions): string[] {
  // --no-fail: the exit status then only says whether hadolint itself worked.
  return ["--format", "json", "--no-fail", "--no-color", ...(options.config ? ["--config", options.config] : []), ...options.files];
}

/** Changes for the rules a generated Dockerfile is most likely to break. */
const fixes: Record<string, string> = {
  DL3002: "end the runtime stage with USER 65532:65532",
  DL3003: "use WORKDIR instead of cd",
  DL3006: "pin the base image: name:tag@sha256:digest",
  DL3007: "pin the base image to a version tag (and digest) instead of latest",
  DL3008: "pin apt packages (pkg=version) or document why not with `# hadolint ignore=DL3008`",
  DL3009: "delete /var/lib/apt/lists/* in the same RUN as apt-get install",
  DL3015: "add --no-install-recommends to apt-get install",
  DL3025: 'use the JSON form: ENTRYPOINT ["/usr/local/bin/fraiseql-server"]',
  DL4000: "replace MAINTAINER with LABEL org.opencontainers.image.authors=...",
  DL4006: 'add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before a RUN that pipes',
};

export function ruleUrl(code: string): string {
  return code.startsWith("SC") ? `https://www.shellcheck.net/wiki/${code}` : `https://github.com/hadolint/hadolint/wiki/${code}`;
}

interface HadolintResult {
  code?: string;
  file?: string;
  level?: string;
  line?: number;
  message?: string;
}

/** hadolint levels error/warning/info/style: error stays an error, the rest are warnings. */
export function parseHadolint(stdout: string, checkId: string): Finding[] {
  let results: HadolintResult[];
  try {
    results = JSON.parse(stdout.trim() === "" ? "[]" : stdout) as HadolintResult[];
  } catch {
    throw new Error(`hadolint did not print JSON: ${stdout.trim().slice(0, 300)}`);
  }
  if (!Array.isArray(results)) throw new Error("hadolint JSON is not a list");
  return results.map((r) => {
    const code = r.code ?? "hadolint";
    const message = (r.message ?? "").replace(/\s*\n\s*/g, " ");
    return {
      checkId,
      ...(r.file ? { file: r.file } : {}),
      ...(r.line ? { line: r.line } : {}),
      rule: code,
      // hadolint's warnings (unpinned packages, root USER, ...) fail verify; info and style are advice.
      severity: r.level === "error" || r.level === "warning" ? "error" : "warning",
      message,
      fix: fixes[code] ?? (code === "DL1000" ? "fix the Dockerfile syntax" : `see ${ruleUrl(code)}`),
    };
  });
}
