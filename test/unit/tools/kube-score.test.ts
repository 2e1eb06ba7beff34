import { describe, expect, it } from "vitest";
import { kubeScoreArgs, parseKubeScore } from "../../../src/tools/kube-score.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("kube-score argv", () => {
  it("scores files as JSON for the target Kubernetes minor", () => {
    expect(kubeScoreArgs({ files: ["a.yaml", "b.yaml"], kubernetesVersion: "1.31" })).toEqual(["score", "--output-format", "json", "--kubernetes-version", "v1.31", "a.yaml", "b.yaml"]);
    expect(kubeScoreArgs({ files: ["a.yaml"], ignoreTests: ["pod-networkpolicy"], enableOptionalTests: ["container-seccomp-profile"] })).toEqual([
      "score",
      "--output-format",
      "json",
      "--ignore-test",
      "pod-networkpolicy",
      "--enable-optional-test",
      "container-seccomp-profile",
      "a.yaml",
    ]);
  });
});

describe("parseKubeScore (captured kube-score 1.20.0 -o json)", () => {
  const findings = parseKubeScore(captured("kube-score", "findings.json"), "kube-score");

  it("reports CRITICAL checks as errors, one per comment, with the object and container", () => {
    expect(capturedExit("kube-score", "findings.json")).toBe(1);
    expect(findings.every((f) => f.severity === "error")).toBe(true);
    const rules = findings.map((f) => f.rule).sort();
    expect(rules).toEqual([
      "container-ephemeral-storage-request-and-limit",
      "container-ephemeral-storage-request-and-limit",
      "container-image-pull-policy",
      "container-image-tag",
      "container-resources",
      "container-resources",
      "container-resources",
      "container-resources",
      "container-security-context-readonlyrootfilesystem",
      "container-security-context-user-group-id",
      "pod-networkpolicy",
      "service-targets-pod",
    ]);
    expect(findings).toContainEqual({
      checkId: "kube-score",
      file: "/ROOT/deploy/kubernetes/deployment.yaml",
      line: 1,
      rule: "container-image-tag",
      severity: "error",
      message: "Deployment/web (web): Image with latest tag",
      fix: "Using a fixed tag is recommended to avoid accidental upgrades",
    });
    expect(findings).toContainEqual(expect.objectContaining({ line: 18, rule: "service-targets-pod", message: "Service/web: The services selector does not match any pods" }));
  });

  it("skips skipped checks and passing grades", () => {
    expect(findings.some((f) => f.rule === "container-seccomp-profile" || f.rule === "pod-probes" || f.rule === "stable-version")).toBe(false);
    expect(parseKubeScore(captured("kube-score", "clean.json"), "kube-score")).toEqual([]);
  });

  it("a rendered chart: kube-score names the file after helm's # Source comment; WARNING grades are warnings", () => {
    expect(parseKubeScore(captured("kube-score", "rendered-chart.json"), "kube-score")).toEqual([
      { checkId: "kube-score", file: "fraiseql/templates/all.yaml", line: 1, rule: "deployment-replicas", severity: "warning", message: "Deployment/fraiseql: Deployment few replicas", fix: "Deployments targeted by Services are recommended to have at least 2 replicas to prevent unwanted downtime." },
    ]);
  });

  it("reports WARNING grades as warnings", () => {
    const json = JSON.stringify([
      {
        object_name: "Deployment/apps/v1//x",
        type_meta: { kind: "Deployment" },
        object_meta: { name: "x" },
        file_name: "x.yaml",
        file_row: 3,
        checks: [{ check: { id: "deployment-replicas", name: "Deployment Replicas" }, grade: 5, skipped: false, comments: null }],
      },
    ]);
    expect(parseKubeScore(json, "k")).toEqual([{ checkId: "k", file: "x.yaml", line: 3, rule: "deployment-replicas", severity: "warning", message: "Deployment/x: Deployment Replicas" }]);
  });

  it("throws on output that is not JSON", () => {
    expect(() => parseKubeScore("Failed to parse x.yaml", "k")).toThrow(/did not print JSON/);
  });
});
