/**
 * Random valid answers, hostile text included, must always yield a tree in
 * which every file parses and every Kubernetes object validates.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { fields, supportedKubernetesVersions, type PartialAnswers } from "../../src/answers/fields.js";
import { resolveAnswers } from "../../src/answers/resolve.js";
import { checkTree } from "../../src/generate/check.js";
import { renderTree } from "../../src/generate/tree.js";
import { facts } from "../helpers.js";

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/);
const hostileText = fc.oneof(
  // eslint-disable-next-line no-control-regex
  fc.string({ maxLength: 60 }).filter((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)),
  fc.constantFrom('quote " and \'', "colon: value # not a comment", "line\nbreak", "{{handlebars}} {{{x}}}", "café ☕ 日本語", "`$(rm -rf /)`", "\\n literal"),
);

const answersArb: fc.Arbitrary<PartialAnswers> = fc
  .record({
    "app.name": label,
    "app.description": hostileText,
    "app.namespace": label,
    "server.port": fc.integer({ min: 1024, max: 65535 }),
    replicas: fc.integer({ min: 1, max: 10 }),
    "ingress.enabled": fc.boolean(),
    "ingress.tls.enabled": fc.boolean(),
    "cors.enabled": fc.boolean(),
    "autoscaling.enabled": fc.boolean(),
    "metrics.enabled": fc.boolean(),
    "metrics.serviceMonitor": fc.boolean(),
    "redis.enabled": fc.boolean(),
    "networkPolicy.enabled": fc.boolean(),
    tracing: fc.boolean(),
    "kubernetes.version": fc.constantFrom(...supportedKubernetesVersions),
    "schema.source": fc.constantFrom("image", "configmap", "secret"),
    profile: fc.constantFrom("hardened", "standard"),
    "build.debianRelease": fc.constantFrom("trixie", "bookworm"),
    "build.platforms": fc.subarray(["linux/amd64", "linux/arm64", "linux/arm/v7"], { minLength: 1 }),
    "server.logFormat": fc.constantFrom("json", "text"),
  })
  .map(({ tracing, ...rest }) => {
    const given: PartialAnswers = { ...rest };
    if (tracing) given["tracing.otlpEndpoint"] = "http://otel-collector.monitoring:4318/v1/traces";
    if (given["cors.enabled"]) given["cors.origins"] = ["https://app.example.com"];
    return given;
  });

describe("property: any valid answers give a valid tree", () => {
  it("every file parses and every Kubernetes object validates", async () => {
    expect(fields.length).toBeGreaterThan(40);
    await fc.assert(
      fc.asyncProperty(answersArb, async (given) => {
        const answers = resolveAnswers(given, facts, "property");
        const tree = await renderTree(answers, "0.0.0-test");
        expect(checkTree(tree, answers.kubernetes.version)).toEqual([]);
        for (const [p, file] of tree) {
          if (p.includes("/helm/fraiseql/templates/")) continue;
          if (/\.ya?ml$/.test(p)) expect(() => yaml.loadAll(file.content), p).not.toThrow();
          if (p.endsWith(".toml")) expect(() => parseToml(file.content), p).not.toThrow();
          if (p.endsWith(".json")) expect(() => JSON.parse(file.content) as unknown, p).not.toThrow();
          expect(file.content, p).not.toMatch(/&(quot|amp|lt|gt|#x27);/);
        }
        const description = String(given["app.description"]);
        const chart = yaml.load(tree.get("deploy/kubernetes/helm/fraiseql/Chart.yaml")?.content ?? "") as { description?: string } | undefined;
        if (chart?.description !== undefined && description.trim() !== "") expect(chart.description).toBe(description);
      }),
      { numRuns: 60 },
    );
  });
});
