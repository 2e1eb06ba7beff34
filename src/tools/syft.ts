/**
 * syft: software bill of materials. verify writes SPDX and CycloneDX JSON for
 * the repository (Cargo.lock makes the Rust crates visible) and checks that
 * both documents exist and are well-formed.
 */
import type { Finding } from "../checks/types.js";

export const SYFT_ENV: Readonly<Record<string, string>> = { SYFT_CHECK_FOR_APP_UPDATE: "false" };

export interface SyftOptions {
  /** A syft source: dir:<path>, <image>, oci-archive:<file>... */
  source: string;
  outputs: readonly { format: "spdx-json" | "cyclonedx-json" | "syft-json"; file: string }[];
  /** Glob patterns to skip, relative to a dir: source (e.g. ./target/**). */
  exclude?: readonly string[];
}

export function syftArgs(options: SyftOptions): string[] {
  return [
    "scan",
    options.source,
    "--quiet",
    ...options.outputs.flatMap((o) => ["--output", `${o.format}=${o.file}`]),
    ...(options.exclude ?? []).flatMap((e) => ["--exclude", e]),
  ];
}

export interface SbomSummary {
  /** Why the document is not a usable SBOM; empty when it is. */
  problems: string[];
  /** Packages found (the scanned root itself and plain files are not counted). */
  packages: number;
}

function parseObject(text: string | undefined): { value?: Record<string, unknown>; problem?: string } {
  if (text === undefined) return { problem: "was not written" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { problem: "is not a JSON object" };
  return { value: value as Record<string, unknown> };
}

/** Checks an SPDX 2.x JSON document. `text` undefined means the file is missing. */
export function checkSpdxJson(text: string | undefined): SbomSummary {
  const { value, problem } = parseObject(text);
  if (!value) return { problems: [problem ?? "is unreadable"], packages: 0 };
  const problems: string[] = [];
  if (typeof value.spdxVersion !== "string" || !value.spdxVersion.startsWith("SPDX-")) problems.push("has no spdxVersion");
  if (value.SPDXID !== "SPDXRef-DOCUMENT") problems.push("has no SPDXID SPDXRef-DOCUMENT");
  if (!Array.isArray(value.packages)) problems.push("has no packages list");
  const packages = Array.isArray(value.packages)
    ? value.packages.filter((p: unknown) => typeof p === "object" && p !== null && !String((p as { SPDXID?: unknown }).SPDXID).startsWith("SPDXRef-DocumentRoot")).length
    : 0;
  return { problems, packages };
}

/** Checks a CycloneDX JSON document. */
export function checkCycloneDxJson(text: string | undefined): SbomSummary {
  const { value, problem } = parseObject(text);
  if (!value) return { problems: [problem ?? "is unreadable"], packages: 0 };
  const problems: string[] = [];
  if (value.bomFormat !== "CycloneDX") problems.push('has no bomFormat "CycloneDX"');
  if (typeof value.specVersion !== "string") problems.push("has no specVersion");
  const components = Array.isArray(value.components) ? (value.components as unknown[]) : [];
  const packages = components.filter((c) => typeof c === "object" && c !== null && (c as { type?: unknown }).type !== "file").length;
  return { problems, packages };
}

/** Findings for the two SBOMs verify asks syft for. */
export function sbomFindings(checkId: string, spdx: { name: string; text: string | undefined }, cdx: { name: string; text: string | undefined }): Finding[] {
  const findings: Finding[] = [];
  const a = checkSpdxJson(spdx.text);
  const b = checkCycloneDxJson(cdx.text);
  for (const [name, summary, format] of [
    [spdx.name, a, "SPDX"],
    [cdx.name, b, "CycloneDX"],
  ] as const) {
    for (const problem of summary.problems) {
      findings.push({ checkId, rule: "sbom", severity: "error", message: `the ${format} SBOM ${name} ${problem}`, fix: "run syft by hand with the same arguments and read its error" });
    }
  }
  if (a.problems.length === 0 && b.problems.length === 0 && a.packages === 0 && b.packages === 0) {
    findings.push({
      checkId,
      rule: "sbom-empty",
      severity: "warning",
      message: "the SBOM lists no packages: syft found no Cargo.lock (or other lock file) in the repository",
      fix: "commit Cargo.lock so the crates appear in the SBOM (and build with cargo auditable for the image SBOM)",
    });
  }
  return findings;
}
