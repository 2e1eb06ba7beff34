import { describe, expect, it } from "vitest";
import { checkovArgs, parseCheckov } from "../../../src/tools/checkov.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("checkov argv", () => {
  it("scans the four frameworks offline, compact JSON", () => {
    expect(checkovArgs({ directory: "/tree" })).toEqual([
      "--directory",
      "/tree",
      "--framework",
      "dockerfile,kubernetes,helm,github_actions",
      "--skip-download",
      "--output",
      "json",
      "--compact",
      "--quiet",
    ]);
    expect(checkovArgs({ directory: ".", frameworks: ["dockerfile"], skipChecks: ["CKV_DOCKER_2", "CKV_DOCKER_3"] })).toContain("CKV_DOCKER_2,CKV_DOCKER_3");
  });
});

describe("parseCheckov (captured checkov 3.3.30 -o json)", () => {
  it("a list of framework reports: every failed check is a warning with file and line", () => {
    expect(capturedExit("checkov", "findings.json")).toBe(1);
    const findings = parseCheckov(captured("checkov", "findings.json"), "checkov");
    expect(findings.length).toBeGreaterThan(20);
    expect(findings.every((f) => f.severity === "warning")).toBe(true);
    expect(findings).toContainEqual({ checkId: "checkov", file: "Dockerfile", line: 1, rule: "CKV_DOCKER_7", severity: "warning", message: "Ensure the base image uses a non latest version tag (FROM)" });
    expect(findings).toContainEqual(
      expect.objectContaining({ file: "deploy/kubernetes/deployment.yaml", line: 1, rule: "CKV_K8S_14", message: "Image Tag should be fixed - not latest or blank (Deployment.default.web)" }),
    );
    expect(findings).toContainEqual(expect.objectContaining({ file: ".github/workflows/bad.yml", line: 13, rule: "CKV_GHA_2" }));
    expect(findings.some((f) => f.file === "deploy/kubernetes/helm/fraiseql/templates/all.yaml")).toBe(true);
  });

  it.each([
    ["single-framework.json", 2],
    ["no-files.json", 0],
  ])("%s -> %i findings", (name, count) => {
    expect(parseCheckov(captured("checkov", name), "c")).toHaveLength(count);
  });

  it("reports files checkov could not parse, and rejects non-JSON", () => {
    expect(parseCheckov(JSON.stringify({ check_type: "kubernetes", results: { failed_checks: [] }, summary: { parsing_errors: 2 } }), "c")).toEqual([
      { checkId: "c", rule: "parsing-error", severity: "warning", message: "checkov could not parse 2 kubernetes file(s)" },
    ]);
    expect(() => parseCheckov("Traceback", "c")).toThrow(/did not print JSON/);
  });
});
