/**
 * The published fraiseql-server versions this tool knows, with what each one
 * needs from a deployment. One row per version, read from that version's own
 * source (Cargo.toml rust-version and [features], its boot-time checks); the
 * default is the newest one CI proves against the real server.
 */

export interface ServerRelease {
  version: string;
  /** `rust-version` of the published crate: the oldest builder toolchain that compiles it. */
  rustVersion: string;
  /** The server refuses to boot against an older PostgreSQL major ("FraiseQL requires PostgreSQL N or newer"). */
  postgresMin: number;
  /** Cargo features of the published fraiseql-server crate (its [features] table). */
  features: readonly string[];
  /** Contract differences from the previous row, for the docs. */
  notes: string;
}

const features2190 = [
  "admin-sql", "arrow", "auth", "auth-saml", "aws-s3", "azure-blob", "cdc-kafka", "cdc-kinesis", "cdc-outbound", "cli",
  "export", "export-csv", "export-xlsx", "federation", "functions-runtime", "functions-runtime-deno", "gcs", "grpc",
  "inbound", "inbound-email", "mcp", "metrics", "observers", "observers-cache", "observers-enterprise",
  "observers-metrics", "observers-nats", "redis-apq", "redis-idempotency", "redis-pkce", "redis-rate-limiting",
  "redis-usage", "rest", "secrets", "sources", "storage-transforms", "subscription-kafka", "testing",
  "tracing-opentelemetry", "webhooks",
];

export const serverReleases: readonly ServerRelease[] = [
  {
    version: "2.19.0",
    rustVersion: "1.95.0",
    postgresMin: 18,
    features: features2190,
    notes:
      "Needs Rust 1.95 and PostgreSQL 18. Its published Cargo.lock cannot be used (`cargo install --locked` fails), " +
      "so the image builds it from a lock file written by `fraiseql-deploy lock`. build.rs runs `npm ci` for the " +
      "embedded Studio page when npm is on PATH; the builder images carry no npm.",
  },
];

export const defaultServerVersion = "2.19.0";

export function serverRelease(version: string): ServerRelease | undefined {
  return serverReleases.find((r) => r.version === version);
}

export const knownServerVersions = (): string => serverReleases.map((r) => r.version).join(", ");

/** Compares dotted version numbers numerically; a missing part counts as 0 ("1.95" == "1.95.0"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
