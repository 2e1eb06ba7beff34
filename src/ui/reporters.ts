/** verify's report formats: a text summary, JSON, JUnit XML and SARIF 2.1.0. */
import type { CheckResult, Finding } from "../checks/types.js";

export type ReportFormat = "text" | "json" | "junit" | "sarif";

export function renderReport(format: ReportFormat, results: readonly CheckResult[], toolVersion: string): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({ tool: "fraiseql-deploy", version: toolVersion, summary: summarize(results), checks: results }, null, 2)}\n`;
    case "junit":
      return junit(results);
    case "sarif":
      return `${JSON.stringify(sarif(results, toolVersion), null, 2)}\n`;
    default:
      return textSummary(results);
  }
}

export function summarize(results: readonly CheckResult[]): Record<string, number> {
  const count = (s: CheckResult["status"]): number => results.filter((r) => r.status === s).length;
  return {
    checks: results.length,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    errors: count("error"),
    findings: results.reduce((n, r) => n + r.findings.length, 0),
  };
}

const where = (f: Finding): string => (f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : "");

export function textSummary(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      lines.push(`${f.severity === "error" ? "✗" : "!"} [${r.id}${f.rule ? ` ${f.rule}` : ""}] ${where(f)}${f.message}${f.fix ? `\n    fix: ${f.fix}` : ""}`);
    }
  }
  if (lines.length > 0) lines.push("");
  const idWidth = Math.max(5, ...results.map((r) => r.id.length));
  lines.push(`${"check".padEnd(idWidth)}  status    findings  time`);
  for (const r of results) {
    const note = r.reason ? `  ${r.reason}${r.hint ? ` (install: ${r.hint})` : ""}` : "";
    lines.push(`${r.id.padEnd(idWidth)}  ${r.status.padEnd(8)}  ${String(r.findings.length).padStart(8)}  ${(r.durationMs / 1000).toFixed(1).padStart(4)}s${note}`);
  }
  const s = summarize(results);
  lines.push("", `${s.checks} checks: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.errors} errors; ${s.findings} findings`);
  return `${lines.join("\n")}\n`;
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c)// XML 1.0 cannot carry most C0 control characters, even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

function junit(results: readonly CheckResult[]): string {
  const s = summarize(results);
  const seconds = results.reduce((n, r) => n + r.durationMs, 0) / 1000;
  const cases = results.map((r) => {
    const head = `    <testcase classname="fraiseql-deploy.verify" name="${xml(r.id)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
    let body = "";
    if (r.status === "failed") {
      const text = r.findings.map((f) => `${where(f)}${f.message}${f.fix ? ` (fix: ${f.fix})` : ""}`).join("\n");
      body = `\n      <failure message="${xml(`${r.findings.length} finding(s)`)}" type="findings">${xml(text)}</failure>\n    `;
    } else if (r.status === "error") {
      body = `\n      <error message="${xml(r.reason ?? "error")}" type="tool">${xml(r.hint ?? "")}</error>\n    `;
    } else if (r.status === "skipped") {
      body = `\n      <skipped message="${xml(r.reason ?? "skipped")}"/>\n    `;
    }
    return `${head}${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fraiseql-deploy verify" tests="${s.checks}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="verify" tests="${s.checks}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped}" time="${seconds.toFixed(3)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function sarif(results: readonly CheckResult[], toolVersion: string): object {
  const rules = results.map((r) => ({ id: r.id, name: r.id, shortDescription: { text: r.title } }));
  const findings = results.flatMap((r) =>
    r.findings.map((f) => ({
      ruleId: r.id,
      level: f.severity === "error" ? "error" : "warning",
      message: { text: `${f.rule ? `[${f.rule}] ` : ""}${f.message}${f.fix ? ` Fix: ${f.fix}` : ""}` },
      ...(f.file
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file, uriBaseId: "%SRCROOT%" },
                  ...(f.line ? { region: { startLine: f.line } } : {}),
                },
              },
            ],
          }
        : {}),
    })),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "fraiseql-deploy", version: toolVersion, informationUri: "https://www.npmjs.com/package/fraiseql-deploy", rules } },
        results: findings,
        invocations: [
          {
            executionSuccessful: !results.some((r) => r.status === "error"),
            toolExecutionNotifications: results
              .filter((r) => r.status === "error" || r.status === "skipped")
              .map((r) => ({ level: r.status === "error" ? "error" : "note", message: { text: `${r.id}: ${r.reason ?? r.status}` } })),
          },
        ],
      },
    ],
  };
}
