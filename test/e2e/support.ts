/**
 * Shared by the Docker end-to-end suites: probing what the machine offers, running docker and the CLI,
 * plain HTTP requests, polling, and the notes and timings each suite prints at the end.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { exec, type ExecResult } from "../../src/tools/exec.js";
import { cliPath } from "../helpers.js";

export const minutes = (n: number): number => n * 60_000;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Synchronous, for deciding at collection time whether a suite can run. */
export function quiet(file: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(file, args, { encoding: "utf8", timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

export const imagePresent = (ref: string): boolean => quiet("docker", ["image", "inspect", "--format", "{{.Id}}", ref]).ok;
export const imageId = (ref: string): string | undefined => {
  const r = quiet("docker", ["image", "inspect", "--format", "{{.Id}}", ref]);
  return r.ok ? r.out : undefined;
};

export function composeCommand(): string[] | undefined {
  if (quiet("docker", ["compose", "version"]).ok) return ["docker", "compose"];
  const candidates = [path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools", "bin", "docker-compose"), "docker-compose"];
  for (const c of candidates) if (quiet(c, ["version"]).ok) return [c];
  return undefined;
}

/** Why Docker cannot run the suites here (empty when it can): engine, buildx and the given stand-in images. */
export function dockerProblems(images: readonly string[]): string[] {
  if (!quiet("docker", ["--version"]).ok) return ["the docker CLI is not installed"];
  const info = quiet("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (!info.ok) return [`the Docker engine is not reachable (${info.out.split("\n")[0] ?? ""})`];
  const problems: string[] = [];
  if (!quiet("docker", ["buildx", "version"]).ok) problems.push("the docker buildx plugin is missing");
  const missing = images.filter((ref) => !imagePresent(ref));
  if (missing.length > 0) problems.push(`stand-in image(s) missing: ${missing.join(", ")}`);
  return problems;
}

export const setupHint = "run scripts/setup-docker.sh (it starts dockerd, installs buildx and builds the base-image stand-ins)";

export const tail = (text: string, lines = 40): string => text.trimEnd().split("\n").slice(-lines).join("\n");
export const describeRun = (r: ExecResult): string =>
  `exit ${r.exitCode}${r.failedToStart ? ` (${r.failedToStart})` : ""}\n--- stderr (tail) ---\n${tail(r.stderr)}\n--- stdout (tail) ---\n${tail(r.stdout, 15)}`;

export async function docker(args: string[], timeoutMs = 120_000, options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<ExecResult> {
  return exec("docker", args, { timeoutMs, ...options });
}

/** docker …, which must succeed; returns trimmed stdout. */
export async function dockerOk(args: string[], timeoutMs = 120_000, options: { input?: string } = {}): Promise<string> {
  const r = await docker(args, timeoutMs, options);
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(" ")} failed: ${describeRun(r)}`);
  return r.stdout.trim();
}

/** The built CLI, its whole output kept in logFile for a failing run. */
export async function cli(args: string[], logFile: string, timeoutMs: number): Promise<ExecResult> {
  const r = await exec(process.execPath, [cliPath, ...args], { timeoutMs });
  await writeFile(logFile, `$ fraiseql-deploy ${args.join(" ")}\n${r.stdout}\n${r.stderr}\nexit ${r.exitCode}\n`);
  return r;
}

export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request on a fresh connection (Connection: close), so no idle keep-alive outlives a test. */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: false, timeout: options.timeoutMs ?? 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout: ${url}`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** POST /graphql with a JSON body. */
export function graphql(base: string, query: string, timeoutMs = 5_000): Promise<HttpResult> {
  return request(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), timeoutMs });
}

/**
 * The fixture application's query must return exactly these rows (ids are the database's UUIDs): status 200, no
 * GraphQL errors. query names the list field ({ items ... } or the 3-second { slowItems ... }).
 */
export async function expectRows(base: string, names: readonly string[], query = "{ items { id name } }", timeoutMs = 5_000): Promise<void> {
  const r = await graphql(base, query, timeoutMs);
  expect(r.status, r.body).toBe(200);
  const body = JSON.parse(r.body) as { data?: Record<string, { id: string; name: string }[]>; errors?: unknown };
  expect(body.errors, r.body).toBeUndefined();
  const rows = Object.values(body.data ?? {})[0] ?? [];
  expect(rows.map((row) => row.name).sort()).toEqual([...names].sort());
  for (const row of rows) expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function inspect(container: string, format: string): Promise<string> {
  return dockerOk(["inspect", "--format", format, container]);
}

/** Polls until check() returns a value, the deadline passes (throws with the last state) or the container dies. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, container?: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (container && (await inspect(container, "{{.State.Running}}")) !== "true") {
      const logs = await docker(["logs", "--tail", "30", container]);
      throw new Error(`${what}: container ${container} exited (${await inspect(container, "{{.State.ExitCode}}")}) while waiting\n${logs.stdout}${logs.stderr}`);
    }
    await sleep(1_000);
  }
  throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${last ? ` (last error: ${last})` : ""}`);
}

/** `docker run` flags of the generated compose files and docs: UID 65532, read-only, no capabilities. */
export const hardening = ["--user", "65532:65532", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--tmpfs", "/tmp"];

/** Notes and timings a suite prints in its summary. */
export function journal(suite: string): {
  note: (message: string) => void;
  timed: <T>(name: string, f: () => Promise<T>) => Promise<T>;
  summary: () => void;
} {
  const notes: string[] = [];
  const timings: [string, number][] = [];
  return {
    note(message) {
      notes.push(message);
      console.log(`[${suite}] ${message}`);
    },
    async timed(name, f) {
      const started = Date.now();
      try {
        return await f();
      } finally {
        const s = (Date.now() - started) / 1000;
        timings.push([name, s]);
        console.log(`[${suite}] ${name}: ${s.toFixed(1)} s`);
      }
    },
    summary() {
      console.log(`[${suite}] timings: ${timings.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join("; ")}`);
      console.log(`[${suite}] summary:\n${notes.map((n) => `  - ${n}`).join("\n")}`);
    },
  };
}
