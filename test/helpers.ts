import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { PartialAnswers, ProjectFacts } from "../src/answers/fields.js";
import { resolveAnswers } from "../src/answers/resolve.js";
import type { Answers } from "../src/answers/types.js";
import { renderTree, type Tree } from "../src/generate/tree.js";

export const facts: ProjectFacts = { dirName: "acme-api" };

export function answersWith(given: PartialAnswers = {}): Answers {
  return resolveAnswers(given, facts, "test");
}

export async function treeWith(given: PartialAnswers = {}): Promise<Tree> {
  return renderTree(answersWith(given), "0.0.0-test");
}

/** Every option on: the maximal tree. */
export const maximalAnswers: PartialAnswers = {
  "app.name": "acme-api",
  "app.description": 'Acme "GraphQL" API: #1 for {{orders}} — café',
  "app.namespace": "acme",
  "image.repository": "ghcr.io/acme/acme-api",
  "image.tag": "2.16.0",
  "build.platforms": ["linux/amd64", "linux/arm64", "linux/arm/v7"],
  "schema.source": "configmap",
  "ingress.enabled": true,
  "ingress.host": "api.acme.dev",
  "ingress.className": "nginx",
  "ingress.tls.enabled": true,
  "cors.enabled": true,
  "cors.origins": ["https://app.acme.dev", "https://admin.acme.dev"],
  "autoscaling.enabled": true,
  "autoscaling.minReplicas": 3,
  "autoscaling.maxReplicas": 12,
  "metrics.enabled": true,
  "metrics.serviceMonitor": true,
  "tracing.otlpEndpoint": "http://otel-collector.monitoring:4318/v1/traces",
  "redis.enabled": true,
  "build.cargoFeatures": ["tracing-opentelemetry", "redis-rate-limiting", "redis-apq", "redis-pkce", "metrics"],
  "networkPolicy.enabled": true,
  "networkPolicy.databaseCidrs": ["10.20.0.0/16"],
  "kubernetes.version": "1.33",
  profile: "hardened",
};

const createdTempDirs: string[] = [];

/** A fresh folder under the system temp dir, removed after the test file (test/remove-temp-dirs.ts). */
export async function tempDir(prefix = "fd-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  createdTempDirs.push(dir);
  return dir;
}

/**
 * Removes every folder tempDir made in this test file; FRAISEQL_KEEP_TEMP=1 keeps them for a post-mortem (and
 * FRAISEQL_E2E_KEEP=1, the end-to-end suites' older name for it).
 */
export async function removeTempDirs(): Promise<void> {
  if (process.env.FRAISEQL_KEEP_TEMP === "1" || process.env.FRAISEQL_E2E_KEEP === "1") return;
  const dirs = createdTempDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * The authoring output an application repository commits (`schema.json`, written by the fraiseql Python or
 * TypeScript package): the default answers compile it in the image, so `init --yes` needs it there.
 */
export const sampleSchemaJson = `${JSON.stringify(
  {
    types: [{ name: "User", fields: [{ name: "id", type: "Int", nullable: false }, { name: "name", type: "String", nullable: false }] }],
    queries: [{ name: "users", arguments: [], return_type: "User", return_list: true, sql_source: "v_users" }],
    mutations: [],
  },
  null,
  2,
)}\n`;

/** A temporary application repository as the getting-started guide leaves it: schema.json and no Rust code. */
export async function appRepo(prefix = "fd-app-"): Promise<string> {
  const dir = await tempDir(prefix);
  await writeFile(path.join(dir, "schema.json"), sampleSchemaJson);
  return dir;
}

/**
 * Writes a Cargo workspace holding a fraiseql-server package into `dir`: root Cargo.toml with
 * `members` (a `crates/*` glob by default) and [workspace.package], and the member's own Cargo.toml.
 */
export async function writeServerWorkspace(
  dir: string,
  options: { members?: string[]; memberDir?: string; workspaceVersion?: string; memberVersion?: string; rustVersion?: string; packageName?: string } = {},
): Promise<void> {
  const memberDir = options.memberDir ?? "crates/fraiseql-server";
  const workspacePackage = [
    ...(options.workspaceVersion ? [`version = "${options.workspaceVersion}"`] : []),
    ...(options.rustVersion ? [`rust-version = "${options.rustVersion}"`] : []),
  ];
  await writeFile(
    path.join(dir, "Cargo.toml"),
    [
      "[workspace]",
      'resolver = "3"',
      `members = [${(options.members ?? ["crates/*"]).map((m) => JSON.stringify(m)).join(", ")}]`,
      ...(workspacePackage.length > 0 ? ["", "[workspace.package]", ...workspacePackage] : []),
      "",
    ].join("\n"),
  );
  await mkdir(path.join(dir, memberDir, "src"), { recursive: true });
  await writeFile(
    path.join(dir, memberDir, "Cargo.toml"),
    [
      "[package]",
      `name = "${options.packageName ?? "fraiseql-server"}"`,
      options.memberVersion ? `version = "${options.memberVersion}"` : "version.workspace = true",
      'edition = "2024"',
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, memberDir, "src", "main.rs"), "fn main() {}\n");
}

export const repoRoot = path.resolve(import.meta.dirname, "..");
export const cliPath = path.join(repoRoot, "bin", "fraiseql-deploy.js");

export function runCli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether an external tool is required: in CI it is, and its absence fails the test instead of skipping it. */
export const toolsRequired = process.env.CI === "true";

/**
 * A Cargo.lock (format 4) as `cargo generate-lockfile` writes it for deploy/fraiseql/server/Cargo.toml, cut down
 * to a few packages: the pin package, the published fraiseql-server and fraiseql-cli at `serverVersion`, and some
 * of their dependencies.
 */
export function sampleCargoLock(serverVersion = "2.19.0"): string {
  const checksum = (seed: string): string => createHash("sha256").update(seed).digest("hex");
  const registry = 'source = "registry+https://github.com/rust-lang/crates.io-index"';
  const pkg = (name: string, version: string, deps: string[] = [], published = true): string =>
    [
      "[[package]]",
      `name = "${name}"`,
      `version = "${version}"`,
      ...(published ? [registry, `checksum = "${checksum(`${name}@${version}`)}"`] : []),
      ...(deps.length > 0 ? ["dependencies = [", ...deps.map((d) => ` "${d}",`), "]"] : []),
      "",
    ].join("\n");
  return [
    "# This file is automatically @generated by Cargo.",
    "# It is not intended for manual editing.",
    "version = 4",
    "",
    pkg("fraiseql-cli", serverVersion, ["fraiseql-core", "fraiseql-server", "serde_json"]),
    pkg("fraiseql-core", serverVersion, ["serde", "serde_json"]),
    pkg("fraiseql-server", serverVersion, ["fraiseql-core", "serde", "tokio"]),
    pkg("fraiseql-server-pin", "0.0.0", ["fraiseql-cli", "fraiseql-server"], false),
    pkg("serde", "1.0.228"),
    pkg("serde_json", "1.0.145", ["serde"]),
    pkg("tokio", "1.48.0"),
  ].join("\n");
}
