/**
 * The built-in Kubernetes schema check (src/k8s/schema.ts over the vendored strict
 * schemas): each rule fails when it should, per target version.
 */
import { describe, expect, it } from "vitest";
import { hasSchema, schemaVersionFor, validateAgainstSchema } from "../../src/k8s/schema.js";
import { validateKubernetesObject } from "../../src/k8s/validate.js";

const deployment = (container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", labels: { app: "api" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: { containers: [{ name: "server", image: "registry.example.com/api:1.0", ports: [{ containerPort: 8815 }], ...container }] },
    },
    ...spec,
  },
});

describe("Kubernetes schema check", () => {
  it("accepts a valid object", () => {
    expect(validateKubernetesObject(deployment(), "1.31")).toEqual([]);
  });

  const cases: [string, unknown, RegExp][] = [
    ["an unknown field (strict, like kubeconform -strict)", deployment({ imagePullPolicyy: "Always" }), /spec\.template\.spec\.containers\[0\]: unknown field "imagePullPolicyy"/],
    ["a wrong type", deployment({}, { replicas: "two" }), /spec\.replicas: expected integer, got string "two"/],
    ["a fractional integer", deployment({}, { replicas: 1.5 }), /spec\.replicas: expected integer, got number 1\.5/],
    ["a missing required field", deployment({ name: undefined, image: "x" }), /containers\[0\]: missing required field "name"/],
    ["an int-or-string of the wrong type", deployment({}, { strategy: { rollingUpdate: { maxSurge: true } } }), /maxSurge: true must match exactly one of 2 alternatives/],
    ["metadata of the wrong type", { ...deployment(), metadata: [] }, /metadata: expected object, got array/],
  ];
  it.each(cases)("rejects %s, naming the path", (_name, doc, message) => {
    const problems = validateKubernetesObject(JSON.parse(JSON.stringify(doc)) as unknown, "1.31");
    expect(problems.join("\n")).toMatch(message);
    expect(problems[0]).toMatch(/^Deployment (api|\(unnamed\)): /);
  });

  it("judges each target version by its own schema", () => {
    // The preStop sleep action exists from Kubernetes 1.29 (beta) on.
    const sleeping = deployment({ lifecycle: { preStop: { sleep: { seconds: 5 } } } });
    expect(validateKubernetesObject(sleeping, "1.31")).toEqual([]);
    expect(validateKubernetesObject(sleeping, "1.23").join("\n")).toMatch(/preStop: unknown field "sleep"/);
    expect(hasSchema("policy/v1beta1/PodSecurityPolicy", "1.24")).toBe(true);
    expect(hasSchema("policy/v1beta1/PodSecurityPolicy", "1.25")).toBe(false);
  });

  it("uses the closest older vendored version for a newer target, and refuses kinds it has no schema for", () => {
    expect(schemaVersionFor("1.99")).toMatch(/^1\.\d+$/);
    expect(schemaVersionFor("1.22")).toBeUndefined();
    expect(() => validateAgainstSchema({}, "example.com/v1/Widget", "1.31")).toThrow(/no schema for example\.com\/v1\/Widget/);
    expect(validateKubernetesObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }, "1.31")).toEqual([
      "Widget w: example.com/v1/Widget is not a kind fraiseql-deploy knows; kubeconform in `verify` checks it",
    ]);
    // verify leaves kinds a user added to kubeconform.
    expect(validateKubernetesObject({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" } }, "1.31", { unknownKinds: "ignore" })).toEqual([]);
  });

  it("reports removed APIs with the version that removed them", () => {
    expect(validateKubernetesObject({ apiVersion: "autoscaling/v2beta2", kind: "HorizontalPodAutoscaler", metadata: { name: "h" } }, "1.31")).toEqual([
      "HorizontalPodAutoscaler h: autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (target 1.31)",
    ]);
  });
});
