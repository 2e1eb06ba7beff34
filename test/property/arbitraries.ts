/** Random valid answers, hostile text included, shared by the property tests. */
import fc from "fast-check";
import { supportedKubernetesVersions, type PartialAnswers } from "../../src/answers/fields.js";

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/);
export const hostileText = fc.oneof(
  // eslint-disable-next-line no-control-regex
  fc.string({ maxLength: 60 }).filter((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)),
  fc.constantFrom('quote " and \'', "colon: value # not a comment", "line\nbreak", "{{handlebars}} {{{x}}}", "café ☕ 日本語", "`$(rm -rf /)`", "\\n literal"),
);

export const answersArb: fc.Arbitrary<PartialAnswers> = fc
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
    "schema.compile": fc.boolean(),
    "server.source": fc.constantFrom("crates", "workspace"),
    extraFeatures: fc.subarray(["metrics", "federation", "auth"]),
    profile: fc.constantFrom("hardened", "standard"),
    "build.debianRelease": fc.constantFrom("trixie", "bookworm"),
    "build.platforms": fc.subarray(["linux/amd64", "linux/arm64", "linux/arm/v7"], { minLength: 1 }),
    "server.logFormat": fc.constantFrom("json", "text"),
  })
  .map(({ tracing, extraFeatures, ...rest }) => {
    const given: PartialAnswers = { ...rest };
    if (tracing) given["tracing.otlpEndpoint"] = "http://otel-collector.monitoring:4318/v1/traces";
    // Features of the published server 2.19.0, beside the ones tracing and Redis need.
    given["build.cargoFeatures"] = [...(tracing ? ["tracing-opentelemetry"] : []), ...(rest["redis.enabled"] ? ["redis-rate-limiting", "redis-apq", "redis-pkce"] : []), ...extraFeatures];
    if (given["cors.enabled"]) given["cors.origins"] = ["https://app.example.com"];
    return given;
  });
