import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
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

export async function tempDir(prefix = "fd-test-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
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
