/** fraiseql-server 2.19's boot-time rules (src/server/boot-rules.ts), from tables of settings. */
import { describe, expect, it } from "vitest";
import { bootProblems, isProduction, type BootSettings, type EnvValue } from "../../src/server/boot-rules.js";

const settings = (env: Record<string, EnvValue>, configText?: string, inKubernetes = false): BootSettings => ({
  env: new Map(Object.entries(env)),
  ...(configText !== undefined ? { configText } : {}),
  inKubernetes,
});
const corsOff = "cors_enabled = false\n";
const rules = (s: BootSettings): string[] => bootProblems(s).map((p) => p.rule);

describe("production or development mode", () => {
  it.each([
    [{}, false, true],
    [{ FRAISEQL_ENV: "development" }, false, false],
    [{ FRAISEQL_ENV: "Dev" }, false, false],
    [{ FRAISEQL_ENV: "staging" }, false, true],
    [{ FRAISEQL_ENV: "development", FRAISEQL_PROFILE: "prod" }, false, true],
    [{ FRAISEQL_ENV: "development" }, true, true],
  ] as const)("%j, in Kubernetes %s -> production %s", (env, kube, production) => {
    expect(isProduction(settings(env, undefined, kube))).toBe(production);
  });
});

describe("bootProblems", () => {
  it.each<[string, BootSettings, string[]]>([
    ["the generated settings: CORS off, metrics with a token from a Secret", settings({ FRAISEQL_METRICS_ENABLED: "true", FRAISEQL_METRICS_TOKEN: undefined, FRAISEQL_BIND_ADDR: "0.0.0.0:8815" }, `${corsOff}pool_min_size = 5\npool_max_size = 20\n`, true), []],
    ["CORS with origins in production", settings({}, 'cors_enabled = true\ncors_origins = ["https://app.example.com"]\n'), []],
    ["no config file in production: CORS defaults on with no origins", settings({}), ["cors-production"]],
    ["no config file in development", settings({ FRAISEQL_ENV: "development" }), []],
    ["no config file in a pod, even with FRAISEQL_ENV=development", settings({ FRAISEQL_ENV: "development" }, undefined, true), ["cors-production"]],
    ["a wildcard origin, in development too", settings({ FRAISEQL_ENV: "development" }, 'cors_origins = ["*"]\n'), ["cors-origins"]],
    ["the playground in production", settings({}, `${corsOff}playground_enabled = true\n`), ["playground-production"]],
    ["metrics on without a token", settings({ FRAISEQL_METRICS_ENABLED: "true" }, corsOff), ["metrics-token"]],
    ["metrics on with a 15-character token", settings({ FRAISEQL_METRICS_ENABLED: "1", FRAISEQL_METRICS_TOKEN: "a".repeat(15) }, corsOff), ["metrics-token"]],
    ["metrics on in the file, token from the env", settings({ FRAISEQL_METRICS_TOKEN: "a".repeat(16) }, `${corsOff}metrics_enabled = true\n`), []],
    ["metrics off: the token is not checked", settings({ FRAISEQL_METRICS_TOKEN: "short" }, corsOff), []],
    ["an admin token under 32 characters with the admin API off", settings({}, `${corsOff}admin_token = "${"a".repeat(31)}"\n`), ["admin-token"]],
    ["the admin API on without a token", settings({ FRAISEQL_ADMIN_API_ENABLED: "yes" }, corsOff), ["admin-token"]],
    ["pool_min_size above pool_max_size", settings({}, `${corsOff}pool_min_size = 30\npool_max_size = 20\n`), ["pool-size"]],
    ["FRAISEQL_POOL_MAX_SIZE below the file's pool_min_size", settings({ FRAISEQL_POOL_MAX_SIZE: "3" }, `${corsOff}pool_min_size = 5\n`), ["pool-size"]],
    ["pool_max_size 0", settings({}, `${corsOff}pool_max_size = 0\n`), ["pool-size"]],
    ["pool_timeout_secs 0", settings({}, `${corsOff}pool_timeout_secs = 0\n`), ["pool-size"]],
    ["server-side TLS", settings({}, `${corsOff}[tls]\nenabled = true\n`), ["tls"]],
    ["an unknown key", settings({}, `${corsOff}port = 8815\n`), ["config-unknown-key"]],
    ["the old sectioned layout", settings({}, `${corsOff}[server]\nport = 8815\n`), ["config-unknown-key"]],
    ["rate_limit_overrides in the file", settings({}, `${corsOff}rate_limit_overrides = 1\n`), ["config-unknown-key"]],
    ["TOML that does not parse", settings({}, "cors_enabled = \n"), ["config-parse"]],
    ["a boolean the server cannot parse", settings({ FRAISEQL_METRICS_ENABLED: "enabled" }, corsOff), ["env-bool"]],
    ["a number the server cannot parse", settings({ FRAISEQL_SHUTDOWN_TIMEOUT_SECS: "25s" }, corsOff), ["env-number"]],
    ["a bind address without a port", settings({ FRAISEQL_BIND_ADDR: "0.0.0.0" }, corsOff), ["env-number"]],
  ])("%s", (_name, s, expected) => {
    expect(rules(s)).toEqual(expected);
  });

  it("names what the server says, so a finding explains the crash loop", () => {
    const [problem] = bootProblems(settings({}, "cors_enabled = true\n", true));
    expect(problem?.message).toContain("cors_enabled is true but cors_origins is empty in production mode");
    expect(problem?.message).toContain("inside Kubernetes the server is always in production mode");
  });
});
