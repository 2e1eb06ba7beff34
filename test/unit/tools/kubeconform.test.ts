import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  KubeconformSchemaDownloadError,
  MONITORING_KINDS,
  fullKubernetesVersion,
  kubeSchemaDir,
  kubeconformArgs,
  offlineSchemaLocation,
  offlineSchemaVersionDir,
  parseKubeconform,
  validationLeaves,
} from "../../../src/tools/kubeconform.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("kubeconform argv", () => {
  it.each([
    ["1.31", "1.31.0"],
    ["v1.31", "1.31.0"],
    ["1.31.2", "1.31.2"],
  ])("kubernetes version %s -> %s", (given, expected) => {
    expect(fullKubernetesVersion(given)).toBe(expected);
  });

  it("builds strict JSON validation with offline schemas and CRD skips", () => {
    expect(kubeconformArgs({ kubernetesVersion: "1.31", schemaLocation: "/s/{{ .ResourceKind }}.json", skip: MONITORING_KINDS, files: ["a.yaml", "dir"] })).toEqual([
      "-strict",
      "-summary",
      "-output",
      "json",
      "-kubernetes-version",
      "1.31.0",
      "-schema-location",
      "/s/{{ .ResourceKind }}.json",
      "-skip",
      "monitoring.coreos.com/v1/ServiceMonitor,monitoring.coreos.com/v1/PodMonitor,monitoring.coreos.com/v1/PrometheusRule",
      "a.yaml",
      "dir",
    ]);
  });

  it("leaves the schema location to kubeconform when none is given", () => {
    const args = kubeconformArgs({ kubernetesVersion: "1.29", strict: false, files: ["x.yaml"] });
    expect(args).not.toContain("-schema-location");
    expect(args).not.toContain("-strict");
    expect(args).not.toContain("-skip");
  });
});

describe("offline schemas", () => {
  it.each([
    [{}, "/home/u/.cache/fraiseql-deploy/tools/kubernetes-json-schema"],
    [{ FRAISEQL_DEPLOY_TOOLS: "/opt/tools" }, "/opt/tools/kubernetes-json-schema"],
    [{ FRAISEQL_DEPLOY_KUBE_SCHEMAS: "/srv/schemas", FRAISEQL_DEPLOY_TOOLS: "/opt/tools" }, "/srv/schemas"],
  ])("env %j -> %s", (env, expected) => {
    expect(kubeSchemaDir(env, "/home/u")).toBe(expected);
  });

  it("uses the layout scripts/install-tools.sh creates", () => {
    expect(offlineSchemaLocation("/s")).toBe("/s/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json");
    expect(offlineSchemaLocation("https://x/{{ .ResourceKind }}.json")).toBe("https://x/{{ .ResourceKind }}.json");
    expect(offlineSchemaVersionDir("/s", "1.31")).toBe(path.join("/s", "v1.31.0-standalone-strict"));
  });
});

describe("parseKubeconform (captured kubeconform v0.7.0 -output json)", () => {
  it("reports schema violations one per leaf, YAML errors and missing CRD schemas", () => {
    expect(capturedExit("kubeconform", "invalid.json")).toBe(1);
    const findings = parseKubeconform(captured("kubeconform", "invalid.json"), "kubeconform");
    expect(findings.map((f) => [f.file, f.rule, f.message])).toEqual([
      ["deploy/kubernetes/invalid/duplicate-key.yaml", "yaml", 'ConfigMap/true: error converting YAML to JSON: yaml: unmarshal errors: line 5: key "name" already set in map'],
      ["deploy/kubernetes/invalid/broken.yaml", "yaml", "document: error converting YAML to JSON: yaml: line 3: did not find expected node content"],
      ["deploy/kubernetes/invalid/deployment.yaml", "missing-schema", "ServiceMonitor/web (monitoring.coreos.com/v1): could not find schema for ServiceMonitor"],
      ["deploy/kubernetes/invalid/deployment.yaml", "schema", "Deployment/web: /spec/replicas: got string, want null or integer"],
      ["deploy/kubernetes/invalid/deployment.yaml", "schema", "Deployment/web: /spec/template/spec/containers/0: additional properties 'bogusField' not allowed"],
    ]);
    expect(findings.every((f) => f.severity === "error" && f.checkId === "kubeconform")).toBe(true);
    expect(findings.at(-1)?.fix).toMatch(/remove 'bogusField'/);
  });

  it.each([
    ["valid.json", 0],
    ["skipped-crd.json", 2],
  ])("%s -> %i findings (skipped kinds are not findings)", (name, count) => {
    expect(parseKubeconform(captured("kubeconform", name), "k")).toHaveLength(count);
  });

  it("treats a schema download failure as the tool failing, not as a finding", () => {
    expect(() => parseKubeconform(captured("kubeconform", "download-failed.json"), "k")).toThrow(KubeconformSchemaDownloadError);
    expect(() => parseKubeconform(captured("kubeconform", "download-failed.json"), "k")).toThrow(/FRAISEQL_DEPLOY_KUBE_SCHEMAS/);
  });

  it("throws on output that is not JSON", () => {
    expect(() => parseKubeconform("panic: oops", "k")).toThrow(/did not print JSON: panic: oops/);
  });

  it("splits nested validation messages", () => {
    expect(validationLeaves("jsonschema validation failed with 'file:///x#' - at '/spec': validation failed   - at '/spec/b': missing property 'x'   - at '/spec/a': got string, want integer")).toEqual([
      { path: "/spec/a", message: "got string, want integer" },
      { path: "/spec/b", message: "missing property 'x'" },
    ]);
  });
});
