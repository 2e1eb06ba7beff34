import { describe, expect, it } from "vitest";
import { objectsOf, podFromTemplate, scratchNamespaceName } from "../../src/checks/cluster.js";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "acme-api", namespace: "acme" },
  spec: {
    selector: { matchLabels: { app: "acme-api" } },
    template: { metadata: { labels: { app: "acme-api" } }, spec: { serviceAccountName: "acme-api", containers: [{ name: "api", image: "x" }] } },
  },
};

describe("the objects verify --cluster sends", () => {
  it("makes a Pod of a workload's template, for Pod Security admission", () => {
    expect(podFromTemplate(deployment)).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { labels: { app: "acme-api" }, name: "acme-api-template", namespace: "acme" },
      spec: deployment.spec.template.spec,
    });
    expect(podFromTemplate({ kind: "Service", metadata: { name: "x" }, spec: {} })).toBeUndefined();
  });

  it("sends every document, names each one, and puts namespaced objects without a namespace in the app's", () => {
    const objects = objectsOf("deploy/kubernetes/deployment.yaml", [deployment, { apiVersion: "v1", kind: "Service", metadata: { name: "acme-api" } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "acme" } }, null], "acme", "default values");
    expect(objects.map((o) => o.subject)).toEqual(["Deployment acme-api", "Pod from Deployment acme-api's template", "Service acme-api", "Namespace acme"]);
    expect(objects[2]?.object).toMatchObject({ metadata: { namespace: "acme" } });
    expect(objects[3]?.object).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "acme" } });
    expect(objects.every((o) => o.file === "deploy/kubernetes/deployment.yaml" && o.values === "default values")).toBe(true);
  });

  it("names verify's own namespace after the app's, within the 63 characters a namespace name may have", () => {
    expect(scratchNamespaceName("acme", "1a2b3c")).toBe("acme-verify-1a2b3c");
    const long = scratchNamespaceName(`${"a".repeat(50)}-${"b".repeat(12)}`, "1a2b3c");
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(scratchNamespaceName(`${"a".repeat(48)}-x`, "1a2b3c")).toBe(`${"a".repeat(48)}-verify-1a2b3c`);
  });
});
