import { describe, expect, it } from "vitest";
import { helmKubeVersion, helmLintArgs, helmTemplateArgs, parseHelmLint, parseHelmTemplateFailure, renderedToChartPath } from "../../../src/tools/helm.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

const CHART = "deploy/kubernetes/helm/fraiseql";

describe("helm argv", () => {
  it("lints strictly against the target Kubernetes version", () => {
    expect(helmLintArgs({ chartDir: "/r/chart", kubeVersion: "1.31" })).toEqual(["lint", "/r/chart", "--strict", "--kube-version", "v1.31.0"]);
    expect(helmLintArgs({ chartDir: "c", strict: false, set: ["a=b"], valuesFiles: ["v.yaml"] })).toEqual(["lint", "c", "--values", "v.yaml", "--set", "a=b"]);
  });

  it("renders into an output dir with the release, namespace and values", () => {
    expect(
      helmTemplateArgs({ releaseName: "acme", chartDir: "c", namespace: "ns", kubeVersion: "v1.33", set: ["image.variant=hardened"], apiVersions: ["monitoring.coreos.com/v1"], outputDir: "/o" }),
    ).toEqual(["template", "acme", "c", "--namespace", "ns", "--kube-version", "v1.33.0", "--api-versions", "monitoring.coreos.com/v1", "--set", "image.variant=hardened", "--output-dir", "/o"]);
  });

  it.each([
    ["1.29", "v1.29.0"],
    ["v1.30.1", "v1.30.1"],
  ])("kube version %s -> %s", (given, expected) => {
    expect(helmKubeVersion(given)).toBe(expected);
  });

  it("maps rendered files back to chart templates", () => {
    expect(renderedToChartPath("fraiseql/templates/deployment.yaml", CHART)).toBe(`${CHART}/templates/deployment.yaml`);
    expect(renderedToChartPath("fraiseql/templates/tests/test-connection.yaml", CHART)).toBe(`${CHART}/templates/tests/test-connection.yaml`);
  });
});

describe.each(["helm3", "helm4"])("parseHelmLint (captured %s lint --strict)", (helm) => {
  it("a clean chart has no findings", () => {
    expect(capturedExit(helm, "lint-fraiseql.txt")).toBe(0);
    expect(parseHelmLint(captured(helm, "lint-fraiseql.txt"), "helm-lint", CHART)).toEqual([]);
  });

  it("a template error names the template and line (v4 wraps it over three lines)", () => {
    const findings = parseHelmLint(captured(helm, "lint-broken-template.txt"), "helm-lint", CHART);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ checkId: "helm-lint", file: `${CHART}/templates/configmap.yaml`, line: 6, rule: "template", severity: "error" });
    expect(findings[0]?.message).toMatch(/at <\.Values\.nope\.x>: nil pointer evaluating interface \{\}\.x$/);
  });

  it("a values schema violation is reported once, on values.yaml", () => {
    expect(parseHelmLint(captured(helm, "lint-broken-schema.txt"), "helm-lint", CHART)).toEqual([
      {
        checkId: "helm-lint",
        file: `${CHART}/values.yaml`,
        rule: "values-schema",
        severity: "error",
        message: "values.yaml does not match values.schema.json: at '/replicaCount': got number, want string",
        fix: "make values.yaml match values.schema.json (or fix the schema)",
      },
    ]);
  });

  it("warnings are errors under --strict, warnings otherwise; INFO is dropped", () => {
    const strict = parseHelmLint(captured(helm, "lint-broken-yaml.txt"), "helm-lint", CHART);
    expect(strict.map((f) => [f.file, f.rule, f.severity])).toEqual([
      [`${CHART}/templates/named.yaml`, "object-name", "error"],
      [`${CHART}/templates/yamlbad.yaml`, "yaml", "error"],
    ]);
    const lax = parseHelmLint(captured(helm, "lint-broken-yaml.txt"), "helm-lint", CHART, false);
    expect(lax.map((f) => f.severity)).toEqual(["warning", "error"]);
    expect(parseHelmLint("==> Linting x\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 chart(s) failed\n", "h", CHART)).toEqual([]);
  });

  it("a missing chart is an error on Chart.yaml", () => {
    const findings = parseHelmLint(captured(helm, "lint-missing-chart.txt"), "helm-lint", CHART);
    expect(findings).toMatchObject([{ file: `${CHART}/Chart.yaml`, severity: "error", rule: "chart" }]);
  });

  it("a failed helm template becomes one finding naming the values", () => {
    expect(capturedExit(helm, "template-broken-schema.txt")).toBe(1);
    const finding = parseHelmTemplateFailure(captured(helm, "template-broken-schema.txt.stderr"), "helm-kubeconform", CHART, "image.variant=hardened");
    expect(finding).toMatchObject({ file: `${CHART}/values.schema.json`, rule: "values-schema", severity: "error" });
    expect(finding.message).toBe(
      "helm template failed: values don't meet the specifications of the schema(s) in the following chart(s): broken-schema: - at '/replicaCount': got number, want string [rendered with image.variant=hardened]",
    );
  });
});

describe("parseHelmTemplateFailure", () => {
  it("names the template of a render error", () => {
    const stderr =
      'Error: template: fraiseql/templates/configmap.yaml:6:15: executing "fraiseql/templates/configmap.yaml" at <.Values.nope.x>: nil pointer evaluating interface {}.x\n\nUse --debug flag to render out invalid YAML\n';
    const finding = parseHelmTemplateFailure(stderr, "c", CHART);
    expect(finding).toMatchObject({ file: `${CHART}/templates/configmap.yaml`, line: 6, rule: "template" });
    expect(finding.message).toMatch(/^helm template failed: template: fraiseql\/templates\/configmap\.yaml:6:15: .* nil pointer evaluating interface \{\}\.x$/);
  });
});
