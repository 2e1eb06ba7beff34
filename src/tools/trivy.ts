/**
 * trivy: `trivy config` (misconfiguration checks on Dockerfiles, Kubernetes
 * YAML and Helm charts; offline with its embedded checks) and `trivy image`
 * (vulnerabilities; needs its vulnerability DB).
 */
import type { Finding } from "../checks/types.js";

/** Keeps trivy offline-friendly and quiet (the install script's wrapper sets the same). */
export const TRIVY_ENV: Readonly<Record<string, string>> = {
  TRIVY_SKIP_CHECK_UPDATE: "true",
  TRIVY_SKIP_VERSION_CHECK: "true",
  TRIVY_DISABLE_TELEMETRY: "true",
  TRIVY_NO_PROGRESS: "true",
};

export interface TrivyConfigOptions {
  target: string;
  severities?: readonly string[];
  /** Capabilities.KubeVersion when trivy renders a Helm chart. */
  helmKubeVersion?: string;
  skipDirs?: readonly string[];
}

export interface TrivyImageOptions {
  image: string;
  severities?: readonly string[];
  ignoreUnfixed?: boolean;
}

const DEFAULT_SEVERITIES = ["HIGH", "CRITICAL"];

export function trivyConfigArgs(options: TrivyConfigOptions): string[] {
  const kube = options.helmKubeVersion?.replace(/^v/, "");
  return [
    "config",
    "--severity",
    (options.severities ?? DEFAULT_SEVERITIES).join(","),
    "--exit-code",
    "0",
    "--format",
    "json",
    "--quiet",
    "--skip-check-update",
    ...(kube ? ["--helm-kube-version", kube.split(".").length < 3 ? `${kube}.0` : kube] : []),
    ...(options.skipDirs ?? []).flatMap((d) => ["--skip-dirs", d]),
    options.target,
  ];
}

export function trivyImageArgs(options: TrivyImageOptions): string[] {
  return [
    "image",
    "--scanners",
    "vuln",
    "--severity",
    (options.severities ?? DEFAULT_SEVERITIES).join(","),
    ...(options.ignoreUnfixed === false ? [] : ["--ignore-unfixed"]),
    "--exit-code",
    "0",
    "--format",
    "json",
    "--quiet",
    options.image,
  ];
}

interface TrivyMisconfiguration {
  ID?: string;
  AVDID?: string;
  Title?: string;
  Message?: string;
  Resolution?: string;
  Severity?: string;
  Status?: string;
  CauseMetadata?: { StartLine?: number };
}

interface TrivyVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  Description?: string;
}

interface TrivyReport {
  Results?: {
    Target?: string;
    Misconfigurations?: TrivyMisconfiguration[] | null;
    Vulnerabilities?: TrivyVulnerability[] | null;
  }[];
}

function parseReport(stdout: string): TrivyReport {
  try {
    return JSON.parse(stdout) as TrivyReport;
  } catch {
    throw new Error(`trivy did not print JSON: ${stdout.trim().slice(0, 300) || "(no output)"}`);
  }
}

const severityOf = (s: string | undefined): "error" | "warning" => (s === "HIGH" || s === "CRITICAL" ? "error" : "warning");

/** Failed misconfiguration checks; HIGH and CRITICAL are errors. Target paths are relative to the scanned folder. */
export function parseTrivyConfig(stdout: string, checkId: string): Finding[] {
  const findings: Finding[] = [];
  for (const result of parseReport(stdout).Results ?? []) {
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status && m.Status !== "FAIL") continue;
      const line = m.CauseMetadata?.StartLine;
      findings.push({
        checkId,
        ...(result.Target ? { file: result.Target } : {}),
        ...(line ? { line } : {}),
        rule: m.ID ?? m.AVDID ?? "trivy",
        severity: severityOf(m.Severity),
        message: `${m.Title ?? m.ID ?? "misconfiguration"}: ${m.Message ?? ""} (${m.Severity ?? "UNKNOWN"})`,
        ...(m.Resolution ? { fix: m.Resolution } : {}),
      });
    }
  }
  return findings;
}

/** Vulnerabilities in an image; HIGH and CRITICAL are errors. */
export function parseTrivyImage(stdout: string, checkId: string): Finding[] {
  const findings: Finding[] = [];
  for (const result of parseReport(stdout).Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const id = v.VulnerabilityID ?? "vulnerability";
      const what = v.Title ?? v.Description?.split("\n")[0] ?? id;
      findings.push({
        checkId,
        rule: id,
        severity: severityOf(v.Severity),
        message: `${result.Target ?? "image"}: ${v.PkgName ?? "?"} ${v.InstalledVersion ?? ""}: ${id} ${what} (${v.Severity ?? "UNKNOWN"})`.replace(/\s+/g, " "),
        ...(v.FixedVersion ? { fix: `upgrade ${v.PkgName ?? "the package"} to ${v.FixedVersion} (rebuild on a patched base image or bump the crate)` } : {}),
      });
    }
  }
  return findings;
}

/** The one-line reason trivy gave when it failed (e.g. the vulnerability DB could not be downloaded). */
export function trivyFailureReason(stderr: string): string {
  const lines = stderr.split("\n");
  const fatal = lines.findIndex((l) => /\bFATAL\b/.test(l));
  const text = (fatal >= 0 ? lines.slice(fatal) : lines.filter((l) => l.trim() !== "").slice(-3))
    .join(" ")
    .replace(/^\S+\s+FATAL\s+(Fatal error\s+)?/, "")
    .replace(/\s+/g, " ")
    .trim();
  return text.slice(0, 600) || "(no message)";
}
