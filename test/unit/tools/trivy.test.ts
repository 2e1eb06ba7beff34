import { describe, expect, it } from "vitest";
import { parseTrivyConfig, parseTrivyImage, trivyConfigArgs, trivyFailureReason, trivyImageArgs } from "../../../src/tools/trivy.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("trivy argv", () => {
  it("config: HIGH and CRITICAL, JSON, offline checks, Helm rendered for the target version", () => {
    expect(trivyConfigArgs({ target: "/tree", helmKubeVersion: "1.31" })).toEqual([
      "config",
      "--severity",
      "HIGH,CRITICAL",
      "--exit-code",
      "0",
      "--format",
      "json",
      "--quiet",
      "--skip-check-update",
      "--helm-kube-version",
      "1.31.0",
      "/tree",
    ]);
    expect(trivyConfigArgs({ target: ".", severities: ["CRITICAL"], skipDirs: ["x"] })).toEqual(["config", "--severity", "CRITICAL", "--exit-code", "0", "--format", "json", "--quiet", "--skip-check-update", "--skip-dirs", "x", "."]);
  });

  it("image: vulnerabilities with a fix only", () => {
    expect(trivyImageArgs({ image: "ghcr.io/acme/api@sha256:abc" })).toEqual([
      "image",
      "--scanners",
      "vuln",
      "--severity",
      "HIGH,CRITICAL",
      "--ignore-unfixed",
      "--exit-code",
      "0",
      "--format",
      "json",
      "--quiet",
      "ghcr.io/acme/api@sha256:abc",
    ]);
  });
});

describe("parseTrivyConfig (captured trivy 0.74.0 config -f json)", () => {
  const findings = parseTrivyConfig(captured("trivy", "config-findings.json"), "trivy-config");

  it("reports every failed check with target, line, ID and resolution", () => {
    expect(capturedExit("trivy", "config-findings.json")).toBe(0);
    expect(findings.filter((f) => f.file === "Dockerfile").map((f) => [f.line, f.rule])).toEqual([
      [5, "DS-0002"],
      [6, "DS-0022"],
      [2, "DS-0029"],
    ]);
    expect(findings).toContainEqual({
      checkId: "trivy-config",
      file: "deploy/kubernetes/deployment.yaml",
      line: 14,
      rule: "KSV-0014",
      severity: "error",
      message: "Root file system is not read-only: Container 'web' of Deployment 'web' should set 'securityContext.readOnlyRootFilesystem' to true (HIGH)",
      fix: "Change 'containers[].securityContext.readOnlyRootFilesystem' to 'true'.",
    });
    expect(findings.every((f) => f.severity === "error")).toBe(true);
  });

  it("targets without failures (the hardened Dockerfile, the rendered chart) contribute nothing", () => {
    expect(captured("trivy", "config-findings.json")).toContain('"Target": "deploy/kubernetes/helm/fraiseql/templates/all.yaml"');
    expect(findings.filter((f) => f.file === "deploy/docker/Dockerfile.hardened" || f.file?.includes("/helm/"))).toEqual([]);
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(["Dockerfile", "deploy/kubernetes/deployment.yaml", "deploy/kubernetes/invalid/deployment.yaml"]));
  });

  it("a clean scan has no findings; MEDIUM and passes are not errors", () => {
    expect(parseTrivyConfig(captured("trivy", "config-clean.json"), "t")).toEqual([]);
    const medium = JSON.stringify({ Results: [{ Target: "x", Misconfigurations: [{ ID: "KSV-0001", Title: "t", Message: "m", Severity: "MEDIUM", Status: "FAIL" }, { ID: "KSV-0002", Severity: "HIGH", Status: "PASS" }] }] });
    expect(parseTrivyConfig(medium, "t")).toEqual([{ checkId: "t", file: "x", rule: "KSV-0001", severity: "warning", message: "t: m (MEDIUM)" }]);
  });
});

describe("parseTrivyImage (trivy's own integration golden, trimmed)", () => {
  it("one finding per vulnerability, with the fixed version", () => {
    expect(parseTrivyImage(captured("trivy", "image-debian-buster.json"), "trivy-image")).toEqual([
      {
        checkId: "trivy-image",
        rule: "CVE-2019-18224",
        severity: "error",
        message: "testdata/fixtures/images/debian-buster.tar.gz (debian 10.1): libidn2-0 2.0.5-1: CVE-2019-18224 libidn2: heap-based buffer overflow in idn2_to_ascii_4i in lib/lookup.c (CRITICAL)",
        fix: "upgrade libidn2-0 to 2.0.5-1+deb10u1 (rebuild on a patched base image or bump the crate)",
      },
    ]);
  });

  it("the offline failure is summarised for the error message", () => {
    expect(capturedExit("trivy", "image-db-offline.txt")).toBe(1);
    const reason = trivyFailureReason(captured("trivy", "image-db-offline.txt.stderr"));
    expect(reason).toMatch(/^run error: init error: DB error: failed to download vulnerability DB/);
    expect(reason).toMatch(/no such host$/);
  });

  it("rejects non-JSON", () => {
    expect(() => parseTrivyImage("", "t")).toThrow(/did not print JSON/);
  });
});
