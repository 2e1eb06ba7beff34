/**
 * What fraiseql-server 2.19 checks before it serves, applied to the settings an artifact gives it: the
 * environment, the config TOML and the defaults, in production or development mode. Read from the published
 * source (server_config/methods.rs `validate()`, cli.rs env parsing, main.rs boot order, lifecycle.rs); each
 * rule names what the server enforces, so a finding says why the pod would crash-loop.
 *
 * Pure: the caller collects the settings per artifact (Dockerfile ENV + compose environment, a pod's env,
 * the TOML it mounts) and maps problems to findings.
 */
import { parse as parseToml } from "smol-toml";

/** An env value the artifact sets; `undefined` when it comes from a Secret (present, value unknown here). */
export type EnvValue = string | undefined;

export interface BootSettings {
  /** Environment of the server process; values from Secrets are present with an unknown value. */
  env: ReadonlyMap<string, EnvValue>;
  /** The config TOML's text, when FRAISEQL_CONFIG points at a file the artifact provides; undefined: defaults. */
  configText?: string;
  /** Inside a Kubernetes pod KUBERNETES_SERVICE_HOST is always set, which forces production mode. */
  inKubernetes: boolean;
}

export interface BootProblem {
  /** Short id of the server rule, e.g. "cors-origins". */
  rule: string;
  message: string;
}

/** Top-level keys of ServerConfig in 2.19 (server_config/mod.rs, deny_unknown_fields). */
const configKeys = new Set(
  (
    "schema_path validate_sql_sources mutation_error_shape_check mutation_constraint_metadata database_url bind_addr " +
    "flight_bind_addr flight_upload_tables flight_views cors_enabled cors_origins compression_enabled enable_http_query " +
    "tracing_enabled otlp_endpoint otlp_export_timeout_secs tracing_service_name apq_enabled cache_enabled " +
    "cache_cross_instance graphql_path health_path liveness_path readiness_path introspection_path metrics_path " +
    "metrics_json_path playground_path playground_enabled playground_tool subscription_path subscriptions_enabled " +
    "metrics_enabled metrics_token admin_api_enabled admin_token admin_readonly_token introspection_enabled " +
    "introspection_require_auth metadata_require_auth schema_export_require_auth service_sdl_require_auth " +
    "suggestions_enabled playground_require_auth subscription_require_auth subscription_auth_recheck_secs " +
    "design_api_require_auth pool_min_size pool_max_size pool_timeout_secs pool_max_streaming_reads " +
    "vector_hnsw_iterative_scan vector_ivfflat_iterative_scan vector_hnsw_ef_search vector_on_short_result " +
    "enable_graphql_incremental graphql_incremental_batch_size read_replica_urls read_replica_pin_after_write_ms " +
    "read_replica_max_lag_ms read_replica_health_probe_interval_ms auth auth_hs256 saml scim admin_sql hmac_secret_env " +
    "tls database_tls require_json_content_type max_request_body_bytes max_header_count max_header_bytes " +
    "request_timeout_secs max_get_query_bytes rate_limiting observers sources pool_tuning admission_control " +
    "security_contact validation admin_auth_max_failures storage_token shutdown_timeout_secs usage storage files " +
    "webhooks inbound_dispatch mailbox send tenancy export identity session_state async_operations egress " +
    "cdc_outbound subscription_kafka"
  ).split(" "),
);

/** Old sectioned layouts the server refuses with a pointer to the flat key (methods.rs). */
const removedSections = new Set(["server", "database", "cors", "rate_limit", "cache", "collation"]);

const boolish = /^(true|false|1|0|yes|no|on|off|t|f|y|n)$/i;
const truthy = /^(true|1|yes|on|t|y)$/i;

/** FRAISEQL_ENV=development|dev turns development on, FRAISEQL_PROFILE=production|prod or Kubernetes force production. */
export function isProduction(settings: BootSettings): boolean {
  if (settings.inKubernetes) return true;
  const profile = settings.env.get("FRAISEQL_PROFILE");
  if (profile !== undefined && /^(production|prod)$/i.test(profile)) return true;
  const mode = settings.env.get("FRAISEQL_ENV");
  return !(mode !== undefined && /^(development|dev)$/i.test(mode));
}

const envBool = (env: BootSettings["env"], name: string): boolean | undefined => {
  const value = env.get(name);
  return value === undefined ? undefined : truthy.test(value);
};

export function bootProblems(settings: BootSettings): BootProblem[] {
  const problems: BootProblem[] = [];
  const add = (rule: string, message: string): void => {
    problems.push({ rule, message });
  };
  const { env } = settings;

  // cli.rs: a set boolean that is not boolish, or a number that does not parse, stops the server first.
  for (const name of ["FRAISEQL_METRICS_ENABLED", "FRAISEQL_ADMIN_API_ENABLED", "FRAISEQL_INTROSPECTION_ENABLED", "FRAISEQL_VALIDATE_SQL_SOURCES", "FRAISEQL_RATE_LIMITING_ENABLED", "FRAISEQL_SUGGESTIONS_ENABLED"]) {
    const value = env.get(name);
    if (value !== undefined && !boolish.test(value)) add("env-bool", `${name}=${JSON.stringify(value)} is not a boolean; the server refuses it ("${name} must be a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)")`);
  }
  for (const name of ["FRAISEQL_POOL_MAX_SIZE", "FRAISEQL_SHUTDOWN_TIMEOUT_SECS", "FRAISEQL_MAX_PAGE_SIZE"]) {
    const value = env.get(name);
    if (value !== undefined && !/^[0-9]+$/.test(value)) add("env-number", `${name}=${JSON.stringify(value)} is not a whole number; the server refuses it ("${name} has an unparseable value")`);
  }
  const bind = env.get("FRAISEQL_BIND_ADDR");
  if (bind !== undefined && !/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/.test(bind)) {
    add("env-number", `FRAISEQL_BIND_ADDR=${JSON.stringify(bind)} is not an IP:port socket address; the server refuses it`);
  }

  let config: Record<string, unknown> = {};
  if (settings.configText !== undefined) {
    try {
      config = parseToml(settings.configText);
    } catch (error) {
      add("config-parse", `the config file does not parse as TOML: ${(error instanceof Error ? error.message : String(error)).split("\n")[0] ?? ""}`);
      return problems;
    }
    for (const key of Object.keys(config)) {
      if (removedSections.has(key)) add("config-unknown-key", `[${key}] is the old sectioned layout; fraiseql-server 2.19 reads flat top-level keys and refuses the file`);
      else if (key === "rate_limit_overrides") add("config-unknown-key", "rate_limit_overrides can be set only through the environment; the server refuses it in the config file");
      else if (!configKeys.has(key)) add("config-unknown-key", `unknown key ${key}: the server's config is deny_unknown_fields, so it refuses to start`);
    }
  }

  // Effective values: env over file over default (cli.rs precedence).
  const metricsEnabled = envBool(env, "FRAISEQL_METRICS_ENABLED") ?? config.metrics_enabled === true;
  const metricsTokenSet = env.has("FRAISEQL_METRICS_TOKEN") || typeof config.metrics_token === "string";
  const metricsToken = env.has("FRAISEQL_METRICS_TOKEN") ? env.get("FRAISEQL_METRICS_TOKEN") : (config.metrics_token as string | undefined);
  if (metricsEnabled && !metricsTokenSet) add("metrics-token", "metrics are enabled but no token is set (\"metrics_enabled is true but metrics_token is not set\"): set FRAISEQL_METRICS_TOKEN from a Secret");
  if (metricsEnabled && metricsToken !== undefined && Buffer.byteLength(metricsToken) < 16) add("metrics-token", "the metrics token is shorter than 16 characters (\"metrics_token must be at least 16 characters for security\")");

  const adminEnabled = envBool(env, "FRAISEQL_ADMIN_API_ENABLED") ?? config.admin_api_enabled === true;
  const adminTokenSet = env.has("FRAISEQL_ADMIN_TOKEN") || typeof config.admin_token === "string";
  const adminToken = env.has("FRAISEQL_ADMIN_TOKEN") ? env.get("FRAISEQL_ADMIN_TOKEN") : (config.admin_token as string | undefined);
  if (adminEnabled && !adminTokenSet) add("admin-token", "the admin API is enabled but admin_token is not set");
  // 2.19: checked whenever a token is set, even with the admin API off.
  if (adminToken !== undefined && adminToken.length < 32) add("admin-token", "admin_token is shorter than 32 characters (\"admin_token must be at least 32 characters for security\"), which 2.19 refuses even with the admin API off");

  const poolMax = env.get("FRAISEQL_POOL_MAX_SIZE") !== undefined ? Number(env.get("FRAISEQL_POOL_MAX_SIZE")) : typeof config.pool_max_size === "number" ? config.pool_max_size : 20;
  const poolMin = typeof config.pool_min_size === "number" ? config.pool_min_size : 5;
  if (poolMax === 0) add("pool-size", "pool_max_size is 0 (\"pool_max_size must be at least 1\")");
  else if (poolMin > poolMax) add("pool-size", `pool_min_size (${poolMin}) exceeds pool_max_size (${poolMax}) ("pool_min_size must not exceed pool_max_size")`);
  if (config.pool_timeout_secs === 0) add("pool-size", "pool_timeout_secs is 0 (\"pool_timeout_secs must be > 0\")");

  const tls = config.tls;
  if (tls !== null && typeof tls === "object" && (tls as Record<string, unknown>).enabled === true) {
    add("tls", "[tls] enabled = true: fraiseql-server serves plain HTTP only and refuses to start with server-side TLS; terminate TLS at the Ingress or proxy");
  }

  const corsEnabled = config.cors_enabled !== false;
  const origins = Array.isArray(config.cors_origins) ? (config.cors_origins as unknown[]) : [];
  if (corsEnabled && origins.includes("*")) add("cors-origins", "cors_origins contains \"*\", which fraiseql-server 2.19 refuses in every mode: list each origin");
  if (isProduction(settings)) {
    if (corsEnabled && origins.length === 0) {
      add("cors-production", `${settings.configText === undefined ? "no config file, so CORS is on with no origins" : "cors_enabled with empty cors_origins"}: production mode refuses to boot ("cors_enabled is true but cors_origins is empty in production mode")${settings.inKubernetes ? "; inside Kubernetes the server is always in production mode" : ""}`);
    }
    if (config.playground_enabled === true) add("playground-production", "playground_enabled = true in production mode: the server refuses to boot");
  }
  return problems;
}
