/**
 * Environment variables of fraiseql-server (2.19: cli.rs, main.rs, fraiseql-core, default build plus the
 * features fraiseql-deploy can enable). verify
 * flags anything else: upstream's own manifests set variables the server
 * never reads, and a typo here silently does nothing.
 */
export const serverEnvVars = new Set([
  "DATABASE_URL",
  "FRAISEQL_BIND_ADDR",
  "FRAISEQL_SCHEMA_PATH",
  "FRAISEQL_CONFIG",
  "FRAISEQL_ENV",
  "FRAISEQL_PROFILE",
  "RUST_LOG",
  "FRAISEQL_LOG_FORMAT",
  "FRAISEQL_SHUTDOWN_TIMEOUT_SECS",
  "FRAISEQL_METRICS_ENABLED",
  "FRAISEQL_METRICS_TOKEN",
  "FRAISEQL_ADMIN_API_ENABLED",
  "FRAISEQL_ADMIN_TOKEN",
  "FRAISEQL_INTROSPECTION_ENABLED",
  "FRAISEQL_INTROSPECTION_REQUIRE_AUTH",
  "FRAISEQL_METADATA_REQUIRE_AUTH",
  "FRAISEQL_SCHEMA_EXPORT_REQUIRE_AUTH",
  "FRAISEQL_PLAYGROUND_REQUIRE_AUTH",
  "FRAISEQL_SUBSCRIPTION_REQUIRE_AUTH",
  "FRAISEQL_RATE_LIMITING_ENABLED",
  "FRAISEQL_RATE_LIMIT_RPS_PER_IP",
  "FRAISEQL_RATE_LIMIT_RPS_PER_USER",
  "FRAISEQL_RATE_LIMIT_BURST_SIZE",
  "FRAISEQL_VALIDATE_SQL_SOURCES",
  "FRAISEQL_REQUIRE_REDIS",
  "FRAISEQL_MAX_PAGE_SIZE",
  "FRAISEQL_MAX_OFFSET",
  "FRAISEQL_POOL_MAX_SIZE",
  "FRAISEQL_SUGGESTIONS_ENABLED",
  "FRAISEQL_SERVICE_SDL_REQUIRE_AUTH",
  "FRAISEQL_RATE_LIMIT_MAX_BUCKETS",
  "FRAISEQL_CHANGELOG_ENABLED",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "STATE_ENCRYPTION_KEY",
]);

/** Set by upstream artifacts but read by nothing in the server. */
export const unreadEnvVars: Record<string, string> = {
  PORT: "the server ignores PORT; set FRAISEQL_BIND_ADDR=0.0.0.0:<port>",
  PROMETHEUS_PORT: "there is no separate metrics port; /metrics is on the main port",
  REDIS_URL: "Redis URLs come from the compiled schema, not the environment",
  DATABASE_HOST: "the server reads only DATABASE_URL",
  DATABASE_PORT: "the server reads only DATABASE_URL",
  DATABASE_NAME: "the server reads only DATABASE_URL",
  GRAPHQL_PATH: "graphql_path is a config-file key",
  GRAPHQL_COMPLEXITY_LIMIT: "not read by fraiseql-server",
  FRAISEQL_POOL_MIN_SIZE: "pool_min_size is a config-file key",
  FRAISEQL_POOL_TIMEOUT_SECS: "pool_timeout_secs is a config-file key",
  FRAISEQL_CORS_ENABLED: "CORS is set only in the config file (cors_enabled / cors_origins)",
  FRAISEQL_COMPRESSION_ENABLED: "not read by fraiseql-server",
  FRAISEQL_TRACING_ENABLED: "not read by fraiseql-server; tracing needs the tracing-opentelemetry feature and an OTLP endpoint",
  FRAISEQL_HOST: "read only by `fraiseql run`, not fraiseql-server; use FRAISEQL_BIND_ADDR",
  FRAISEQL_PORT: "read only by `fraiseql run`, not fraiseql-server; use FRAISEQL_BIND_ADDR",
  SCHEMA_PATH: "the variable is FRAISEQL_SCHEMA_PATH",
  JWT_SECRET: "not read by fraiseql-server",
};

/** Probe paths that check the database: never a liveness probe (2.19 has /live for that). */
export const databaseProbePaths = new Set(["/health", "/readiness"]);
