/**
 * checkov (optional): policy checks for Dockerfiles, Kubernetes YAML, Helm
 * charts and GitHub workflows. `-o json` prints one report object, or a list
 * of them when several frameworks found files. Failed checks are warnings:
 * checkov's policies overlap with and are looser than the gating tools.
 */
import type { Finding } from "../checks/types.js";

export const CHECKOV_FRAMEWORKS: readonly string[] = ["dockerfile", "kubernetes", "helm", "github_actions"];

export interface CheckovOptions {
  directory: string;
  frameworks?: readonly string[];
  skipChecks?: readonly string[];
}

export function checkovArgs(options: CheckovOptions): string[] {
  return [
    "--directory",
    options.directory,
    "--framework",
    (options.frameworks ?? CHECKOV_FRAMEWORKS).join(","),
    "--skip-download",
    "--output",
    "json",
    "--compact",
    "--quiet",
    ...(options.skipChecks && options.skipChecks.length > 0 ? ["--skip-check", options.skipChecks.join(",")] : []),
  ];
}

interface CheckovFailedCheck {
  check_id?: string;
  check_name?: string;
  file_path?: string;
  file_line_range?: number[];
  resource?: string;
  guideline?: string | null;
}

interface CheckovReport {
  check_type?: string;
  results?: { failed_checks?: CheckovFailedCheck[] };
  summary?: { parsing_errors?: number };
}

export function parseCheckov(stdout: string, checkId: string): Finding[] {
  let parsed: CheckovReport | CheckovReport[];
  try {
    parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[];
  } catch {
    throw new Error(`checkov did not print JSON: ${stdout.trim().slice(0, 300) || "(no output)"}`);
  }
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const findings: Finding[] = [];
  for (const report of reports) {
    for (const c of report.results?.failed_checks ?? []) {
      const line = c.file_line_range?.[0];
      // Dockerfile resources are "<file>.<INSTRUCTION>": keep the instruction only.
      const resource = c.resource && c.file_path && c.resource.startsWith(`${c.file_path}.`) ? c.resource.slice(c.file_path.length + 1) : c.resource;
      findings.push({
        checkId,
        ...(c.file_path ? { file: c.file_path.replace(/^\/+/, "") } : {}),
        ...(line ? { line } : {}),
        rule: c.check_id ?? "checkov",
        severity: "warning",
        message: `${c.check_name ?? c.check_id ?? "failed check"}${resource ? ` (${resource})` : ""}`,
        ...(c.guideline ? { fix: `see ${c.guideline}` } : {}),
      });
    }
    const parsingErrors = report.summary?.parsing_errors ?? 0;
    if (parsingErrors > 0) {
      findings.push({ checkId, rule: "parsing-error", severity: "warning", message: `checkov could not parse ${String(parsingErrors)} ${report.check_type ?? ""} file(s)`.replace(/\s+/g, " ") });
    }
  }
  return findings;
}
