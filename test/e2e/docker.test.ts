/**
 * Docker end-to-end: the generated deployment builds, boots and stops the way its files and docs say.
 *
 * 1. `init` a copy of test/fixtures/fraiseql-workspace (a Cargo workspace whose fraiseql-server follows the
 *    real server's runtime contract) for the local Rust stand-in, linux/amd64.
 * 2. `build --load` the standard and the hardened image through the CLI.
 * 3. PostgreSQL (postgres:17-trixie stand-in) on a fresh network.
 * 4. Each image run as the compose file and docs run it (UID 65532, read-only root, no capabilities,
 *    no-new-privileges, tmpfs /tmp, DATABASE_URL only): /readiness, /graphql, /metrics with and without the
 *    bearer token, the Docker HEALTHCHECK (standard image), SIGTERM with a request in flight, and refusal to
 *    boot without a reachable database.
 * 5. The development compose file: `docker compose up -d --wait --build` brings fraiseql and postgres to
 *    healthy; `down -v` removes everything.
 * 6. arm64: a second tree on the cross-capable builder stand-in; only the builder stage is built (the runtime
 *    base images have no arm64 stand-ins), its binary must be an AArch64 ELF, and it is executed under QEMU
 *    when binfmt_misc or qemu-aarch64-static plus a sysroot make that possible.
 *
 * Locally, a missing Docker engine, buildx or stand-in image skips the suite with a message saying why;
 * with CI=true it is a failure. Every container, network, volume and image tag this suite creates carries
 * its run id and is removed at the end (the stand-in images are left alone). Set FRAISEQL_E2E_KEEP=1 to keep
 * the temporary trees for inspection. FRAISEQL_E2E_RUST_VERSION overrides the Rust stand-in version (default:
 * `rustc --version`, as scripts/setup-docker.sh tags it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { exec, type ExecResult } from "../../src/tools/exec.js";
import { cliPath, repoRoot, tempDir, toolsRequired } from "../helpers.js";

const fixture = path.join(repoRoot, "test", "fixtures", "fraiseql-workspace");
const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
const prefix = `fde2e-${runId}`;
const label = `dev.fraiseql-deploy.e2e=${runId}`;
const imageRepository = "localhost/fraiseql-e2e";
const standardImage = `${imageRepository}:e2e`;
const hardenedImage = `${imageRepository}:e2e-hardened`;
const crossImage = "fraiseql-test/rust-cross:trixie";
const crossRustVersion = "1.85.1"; // Debian trixie's rustc, inside fraiseql-test/rust-cross:trixie
const crossAlias = `rust:${crossRustVersion}-slim-trixie`;
const postgresImage = "postgres:17-trixie";
const metricsToken = randomBytes(16).toString("hex"); // 32 characters; the server requires 16 or more
const minutes = (n: number): number => n * 60_000;

// ------------------------------------------------------------------------------------------------
// What this machine offers (decided synchronously, so the suite can be skipped as a whole)
// ------------------------------------------------------------------------------------------------

function quiet(file: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(file, args, { encoding: "utf8", timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

const imagePresent = (ref: string): boolean => quiet("docker", ["image", "inspect", "--format", "{{.Id}}", ref]).ok;
const imageId = (ref: string): string | undefined => {
  const r = quiet("docker", ["image", "inspect", "--format", "{{.Id}}", ref]);
  return r.ok ? r.out : undefined;
};

/** The Rust builder stand-in's version: as scripts/setup-docker.sh picks it (`rustc --version`). */
function standInRustVersion(): string | undefined {
  const fromEnv = process.env.FRAISEQL_E2E_RUST_VERSION;
  if (fromEnv) return fromEnv;
  const rustc = quiet("rustc", ["--version"]);
  const v = /^rustc (\d+\.\d+\.\d+)/.exec(rustc.out)?.[1];
  if (v) return v;
  // No rustc here: the newest rust:X.Y.Z-slim-trixie stand-in that is not our own cross alias.
  const tags = quiet("docker", ["image", "ls", "rust", "--format", "{{.Tag}}"]).out.split("\n");
  return tags
    .map((t) => /^(\d+\.\d+\.\d+)-slim-trixie$/.exec(t)?.[1])
    .filter((t): t is string => Boolean(t) && t !== crossRustVersion)
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))[0];
}

function composeCommand(): string[] | undefined {
  if (quiet("docker", ["compose", "version"]).ok) return ["docker", "compose"];
  const candidates = [path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools", "bin", "docker-compose"), "docker-compose"];
  for (const c of candidates) if (quiet(c, ["version"]).ok) return [c];
  return undefined;
}

const rustVersion = standInRustVersion();
const problems: string[] = [];
let composeCmd: string[] | undefined;
if (!quiet("docker", ["--version"]).ok) {
  problems.push("the docker CLI is not installed");
} else {
  const info = quiet("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (!info.ok) {
    problems.push(`the Docker engine is not reachable (${info.out.split("\n")[0] ?? ""})`);
  } else {
    if (!quiet("docker", ["buildx", "version"]).ok) problems.push("the docker buildx plugin is missing");
    if (!rustVersion) problems.push("cannot tell the Rust stand-in version (no rustc, no rust:X.Y.Z-slim-trixie image; set FRAISEQL_E2E_RUST_VERSION)");
    const needed = [rustVersion ? `rust:${rustVersion}-slim-trixie` : undefined, "debian:trixie-slim", "gcr.io/distroless/cc-debian13:nonroot", postgresImage, "docker/dockerfile:1"];
    const missing = needed.filter((ref): ref is string => ref !== undefined && !imagePresent(ref));
    if (missing.length > 0) problems.push(`stand-in image(s) missing: ${missing.join(", ")}`);
    composeCmd = composeCommand();
  }
}
const dockerReady = problems.length === 0;
const setupHint = "run scripts/setup-docker.sh (it starts dockerd, installs buildx and builds the base-image stand-ins)";
if (!dockerReady && !toolsRequired) {
  console.warn(`[e2e] SKIPPED the Docker end-to-end suite: ${problems.join("; ")}. To run it, ${setupHint}.`);
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const notes: string[] = [];
function note(message: string): void {
  notes.push(message);
  console.log(`[e2e] ${message}`);
}

const timings: [string, number][] = [];
async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await f();
  } finally {
    const s = (Date.now() - started) / 1000;
    timings.push([name, s]);
    console.log(`[e2e] ${name}: ${s.toFixed(1)} s`);
  }
}

const tail = (text: string, lines = 40): string => text.trimEnd().split("\n").slice(-lines).join("\n");
const describeRun = (r: ExecResult): string => `exit ${r.exitCode}${r.failedToStart ? ` (${r.failedToStart})` : ""}\n--- stderr (tail) ---\n${tail(r.stderr)}\n--- stdout (tail) ---\n${tail(r.stdout, 15)}`;

async function docker(args: string[], timeoutMs = 120_000, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<ExecResult> {
  return exec("docker", args, { timeoutMs, ...options });
}

/** docker …, which must succeed; returns trimmed stdout. */
async function dockerOk(args: string[], timeoutMs = 120_000): Promise<string> {
  const r = await docker(args, timeoutMs);
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(" ")} failed: ${describeRun(r)}`);
  return r.stdout.trim();
}

async function cli(args: string[], logFile: string, timeoutMs: number): Promise<ExecResult> {
  const r = await exec(process.execPath, [cliPath, ...args], { timeoutMs });
  await writeFile(logFile, `$ fraiseql-deploy ${args.join(" ")}\n${r.stdout}\n${r.stderr}\nexit ${r.exitCode}\n`);
  return r;
}

interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request on a fresh connection (Connection: close), so no idle keep-alive outlives a test. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function inspect(container: string, format: string): Promise<string> {
  return dockerOk(["inspect", "--format", format, container]);
}

/** Polls until check() returns a value, the deadline passes (throws with the last state) or the container dies. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, container?: string): Promise<T> {
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
const hardening = ["--user", "65532:65532", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--tmpfs", "/tmp"];

// ------------------------------------------------------------------------------------------------
// State shared by the steps (they run in order; each names what it needs when an earlier one failed)
// ------------------------------------------------------------------------------------------------

let work = "";
let tree = "";
let serverPort = 0;
let graceSeconds = 60;
const network = `${prefix}-net`;
const pgName = `${prefix}-pg`;
const pgPassword = `pw-${runId}`;
let databaseUrl = "";
const built = { standard: false, hardened: false };
let postgresReady = false;
let composeProject = "";
let taggedCrossAlias = false;

describe.skipIf(!dockerReady && !toolsRequired)("docker end-to-end (generated Dockerfiles, images, compose, arm64)", () => {
  beforeAll(async () => {
    if (!dockerReady) throw new Error(`Docker end-to-end suite required (CI=true) but ${problems.join("; ")}; ${setupHint}`);
    // test/global-setup.ts builds dist/ once for the whole run.
    if (!existsSync(path.join(repoRoot, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run npm run build (vitest's global setup does)");
    work = await tempDir("fd-e2e-");
    tree = path.join(work, "app");
    // Timestamps preserved: cargo then recognises its own earlier build in the BuildKit target cache.
    await cp(fixture, tree, { recursive: true, preserveTimestamps: true, filter: (src) => path.basename(src) !== "target" });
    // The server port is a free one (not 8815): the compose file publishes it on the host, where another
    // stack may hold 8815. It also exercises the port wiring (bind address, EXPOSE, HEALTHCHECK, compose).
    serverPort = await freePort();
    note(`run ${runId}: work dir ${work}, Rust stand-in ${rustVersion ?? "?"}, server port ${serverPort}, compose ${composeCmd?.join(" ") ?? "not found"}`);
  }, minutes(3));

  afterAll(async () => {
    if (!dockerReady) return;
    if (composeProject && composeCmd) {
      const [file, ...pre] = composeCmd;
      await exec(file ?? "docker", [...pre, "-p", composeProject, "-f", "docker-compose.yml", "down", "-v", "--rmi", "local", "--timeout", "10"], { cwd: tree, timeoutMs: 120_000 });
    }
    const containers = (await docker(["ps", "-aq", "--filter", `label=${label}`])).stdout.split("\n").filter(Boolean);
    if (containers.length > 0) await docker(["rm", "-f", "-v", ...containers]);
    await docker(["network", "rm", network]);
    const images = [standardImage, hardenedImage].filter((ref) => imagePresent(ref));
    if (images.length > 0) await docker(["image", "rm", ...images]);
    if (taggedCrossAlias) await docker(["image", "rm", crossAlias]); // removes only our tag; the stand-in stays
    if (work && process.env.FRAISEQL_E2E_KEEP !== "1") await rm(work, { recursive: true, force: true });
    console.log(`[e2e] timings: ${timings.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join("; ")}`);
    console.log(`[e2e] summary:\n${notes.map((n) => `  - ${n}`).join("\n")}`);
  }, minutes(5));

  // ----------------------------------------------------------------------------------------------

  it("init renders the deployment for the fixture workspace", async () => {
    const r = await timed("init", () =>
      cli(
        [
          "init",
          "--yes",
          tree,
          "--set", "app.name=fraiseql-e2e",
          "--set", `image.repository=${imageRepository}`,
          "--set", "image.tag=e2e",
          "--set", `build.rustVersion=${rustVersion}`,
          "--set", "build.platforms=linux/amd64",
          "--set", `server.port=${serverPort}`,
        ],
        path.join(work, "init.log"),
        120_000,
      ),
    );
    expect(r.exitCode, describeRun(r)).toBe(0);
    for (const file of ["Dockerfile", "deploy/docker/Dockerfile.hardened", "deploy/fraiseql/server.toml", ".dockerignore", "docker-compose.yml", "fraiseql-deploy.yaml"]) {
      expect(existsSync(path.join(tree, file)), `${file} generated`).toBe(true);
    }
    const dockerfile = await readFile(path.join(tree, "Dockerfile"), "utf8");
    expect(dockerfile).toContain(`FROM --platform=$BUILDPLATFORM rust:${rustVersion}-slim-trixie AS builder`);
    expect(dockerfile).toContain(`FRAISEQL_BIND_ADDR="0.0.0.0:${serverPort}"`);
    // The grace period docker stop gets is the one the generated compose file gives the server.
    const compose = yaml.load(await readFile(path.join(tree, "docker-compose.yml"), "utf8")) as { services?: { fraiseql?: { stop_grace_period?: string } } };
    const grace = /^(\d+)s$/.exec(compose.services?.fraiseql?.stop_grace_period ?? "")?.[1];
    if (grace) graceSeconds = Number(grace);
    note(`stop grace period from docker-compose.yml: ${graceSeconds} s`);
  }, minutes(2));

  it("build --load builds the standard image through the CLI", async () => {
    expect(existsSync(path.join(tree, "fraiseql-deploy.yaml")), "needs the tree from the init step").toBe(true);
    const r = await timed("build standard", () => cli(["build", tree, "--load", "--platforms", "linux/amd64"], path.join(work, "build-standard.log"), minutes(30)));
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.stderr).toContain(`built ${standardImage} for linux/amd64`);
    const config = JSON.parse(await inspect(standardImage, "{{json .Config}}")) as { User?: string; Entrypoint?: string[]; Env?: string[]; Healthcheck?: { Test?: string[] } };
    expect(config.User).toBe("65532:65532");
    expect(config.Entrypoint).toEqual(["/usr/local/bin/fraiseql-server"]);
    expect(config.Env).toContain(`FRAISEQL_BIND_ADDR=0.0.0.0:${serverPort}`);
    expect(config.Healthcheck?.Test?.join(" ")).toContain("/readiness");
    built.standard = true;
    note(`standard image ${standardImage}: ${((Number(await inspect(standardImage, "{{.Size}}")) / 1e6).toFixed(1))} MB`);
  }, minutes(31));

  it("build --load --hardened builds the distroless image through the CLI", async () => {
    expect(existsSync(path.join(tree, "fraiseql-deploy.yaml")), "needs the tree from the init step").toBe(true);
    const r = await timed("build hardened", () => cli(["build", tree, "--load", "--platforms", "linux/amd64", "--hardened"], path.join(work, "build-hardened.log"), minutes(30)));
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.stderr).toContain(`built ${hardenedImage} for linux/amd64`);
    const config = JSON.parse(await inspect(hardenedImage, "{{json .Config}}")) as { User?: string; Healthcheck?: unknown };
    expect(config.User).toBe("65532:65532");
    expect(config.Healthcheck ?? null, "no shell in the image, so no HEALTHCHECK").toBeNull();
    // No shell: a command that needs one cannot start.
    const shell = await docker(["run", "--rm", "--label", label, "--entrypoint", "/bin/sh", hardenedImage, "-c", "true"]);
    expect(shell.exitCode, "the hardened image must have no /bin/sh").not.toBe(0);
    built.hardened = true;
    note(`hardened image ${hardenedImage}: ${((Number(await inspect(hardenedImage, "{{.Size}}")) / 1e6).toFixed(1))} MB`);
  }, minutes(31));

  it("PostgreSQL starts on a fresh network and accepts connections", async () => {
    await timed("postgres ready", async () => {
      await dockerOk(["network", "create", "--label", label, network]);
      await dockerOk(["run", "-d", "--name", pgName, "--label", label, "--network", network, "-e", "POSTGRES_USER=fraiseql", "-e", `POSTGRES_PASSWORD=${pgPassword}`, "-e", "POSTGRES_DB=fraiseql", postgresImage]);
      // Over TCP: during first-start initialisation the temporary server listens on its Unix socket only,
      // where pg_isready already succeeds. Two successes in a row, a second apart, to be sure.
      let streak = 0;
      await waitFor(
        "postgres accepting TCP connections twice in a row",
        90_000,
        async () => {
          const r = await docker(["exec", pgName, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "fraiseql", "-d", "fraiseql"], 15_000);
          streak = r.exitCode === 0 ? streak + 1 : 0;
          return streak >= 2 ? true : undefined;
        },
        pgName,
      );
    });
    databaseUrl = `postgres://fraiseql:${pgPassword}@${pgName}:5432/fraiseql`;
    postgresReady = true;
  }, minutes(3));

  /** Runs an image as the docs say, checks its endpoints, then SIGTERM with a request in flight. */
  async function exercise(kind: "standard" | "hardened", image: string): Promise<void> {
    expect(built[kind], `needs the ${kind} image from the build step`).toBe(true);
    expect(postgresReady, "needs PostgreSQL from the previous step").toBe(true);
    const name = `${prefix}-${kind}`;
    const extraEnv = ["-e", "FRAISEQL_METRICS_ENABLED=true", "-e", `FRAISEQL_METRICS_TOKEN=${metricsToken}`];
    const started = Date.now();
    await dockerOk(["run", "-d", "--name", name, "--label", label, "--network", network, ...hardening, "-e", `DATABASE_URL=${databaseUrl}`, ...extraEnv, "-p", `127.0.0.1::${serverPort}`, image]);
    const published = await dockerOk(["port", name, `${serverPort}/tcp`]);
    const base = `http://${published.split("\n")[0] ?? ""}`;

    const ready = await waitFor("GET /readiness -> 200", 60_000, async () => ((await request(`${base}/readiness`)).status === 200 ? true : undefined), name);
    expect(ready).toBe(true);
    note(`${kind}: /readiness 200 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const readiness = await request(`${base}/readiness`);
    expect(JSON.parse(readiness.body)).toMatchObject({ status: "ready" });

    const graphql = await request(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toMatchObject({ data: { __typename: "Query" } });

    const anonymous = await request(`${base}/metrics`);
    expect(anonymous.status, "/metrics without the bearer token").toBe(401);
    const wrong = await request(`${base}/metrics`, { headers: { authorization: "Bearer not-the-token-0123456789" } });
    expect(wrong.status, "/metrics with a wrong token").toBe(401);
    const metrics = await request(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(metrics.status, "/metrics with the bearer token").toBe(200);
    expect(metrics.body).toMatch(/^fraiseql_\w+ /m);

    if (kind === "standard") {
      // start-period 20 s, interval 30 s: the first check runs about 30 s after the start.
      const health = await timed("standard HEALTHCHECK healthy", () =>
        waitFor(
          "Docker HEALTHCHECK healthy",
          100_000,
          async () => {
            const status = await inspect(name, "{{if .State.Health}}{{.State.Health.Status}}{{end}}");
            if (status === "unhealthy") throw new Error(`unhealthy: ${await inspect(name, "{{json .State.Health.Log}}")}`);
            return status === "healthy" ? status : undefined;
          },
          name,
        ),
      );
      expect(health).toBe("healthy");
      note(`standard: Docker HEALTHCHECK healthy ${((Date.now() - started) / 1000).toFixed(0)} s after the start`);
    } else {
      expect(await inspect(name, "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}")).toBe("none");
    }

    // SIGTERM while a 3 s request is in flight: the request completes, the server exits 0, well within the grace.
    const inFlight = request(`${base}/__fixture/sleep?ms=3000`, { timeoutMs: 20_000 });
    await sleep(700);
    const stopStarted = Date.now();
    const stop = await docker(["stop", "-t", String(graceSeconds), name], (graceSeconds + 30) * 1000);
    const stopSeconds = (Date.now() - stopStarted) / 1000;
    expect(stop.exitCode, describeRun(stop)).toBe(0);
    const drained = await inFlight;
    expect(drained.status, "the in-flight request is answered during the graceful shutdown").toBe(200);
    const exit = await inspect(name, "{{.State.ExitCode}} {{.State.OOMKilled}}");
    expect(exit, "SIGTERM ends the server with exit code 0 (137 would mean it was killed at the grace period)").toBe("0 false");
    expect(stopSeconds).toBeLessThan(Math.min(15, graceSeconds / 2));
    note(`${kind}: docker stop -t ${graceSeconds} with a 3 s request in flight: exit 0 after ${stopSeconds.toFixed(1)} s, request answered 200`);
  }

  it("the standard image serves, passes its HEALTHCHECK and stops cleanly on SIGTERM", async () => {
    await timed("run standard", () => exercise("standard", standardImage));
  }, minutes(4));

  it("the hardened image serves and stops cleanly on SIGTERM", async () => {
    await timed("run hardened", () => exercise("hardened", hardenedImage));
  }, minutes(3));

  it.each([
    ["standard", standardImage],
    ["hardened", hardenedImage],
  ] as const)("the %s image refuses to boot without a reachable database", async (kind, image) => {
    expect(built[kind], `needs the ${kind} image from the build step`).toBe(true);
    expect(postgresReady, "needs the network and PostgreSQL from the earlier step").toBe(true);
    const cases: [string, string[]][] = [
      ["no DATABASE_URL", []],
      ["DATABASE_URL with nothing listening", ["-e", `DATABASE_URL=postgres://fraiseql:${pgPassword}@${pgName}:5433/fraiseql`]],
      ["DATABASE_URL with a wrong password", ["-e", `DATABASE_URL=postgres://fraiseql:wrong-${pgPassword}@${pgName}:5432/fraiseql`]],
    ];
    for (const [what, env] of cases) {
      const started = Date.now();
      const r = await docker(["run", "--rm", "--label", label, "--network", network, ...hardening, ...env, image], 90_000);
      expect(r.exitCode, `${kind}, ${what}: must exit non-zero\n${describeRun(r)}`).not.toBe(0);
      expect(r.exitCode, `${kind}, ${what}: exited by itself, not killed by the test's timeout`).toBeGreaterThan(0);
      expect(r.stderr, `${kind}, ${what}: says why`).toMatch(/database/i);
      note(`${kind}, ${what}: exit ${r.exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s (${r.stderr.trim().split("\n").pop() ?? ""})`);
    }
  }, minutes(5));

  it("the development compose file brings fraiseql and postgres to healthy", async (ctx) => {
    if (!composeCmd) {
      if (toolsRequired) throw new Error("docker compose is required in CI (CI=true) but neither `docker compose` nor docker-compose works; run scripts/install-tools.sh");
      note("compose: SKIPPED, neither `docker compose` nor docker-compose is installed");
      return ctx.skip("docker compose is not installed");
    }
    expect(existsSync(path.join(tree, "docker-compose.yml")), "needs docker-compose.yml from the init step").toBe(true);
    const [file, ...pre] = composeCmd;
    composeProject = `${prefix}-compose`;
    const postgresHostPort = await freePort();
    const composeExec = (args: string[], timeoutMs: number): Promise<ExecResult> =>
      exec(file ?? "docker", [...pre, "-p", composeProject, "-f", "docker-compose.yml", ...args], { cwd: tree, timeoutMs, env: { POSTGRES_HOST_PORT: String(postgresHostPort) } });

    // --build: the dev compose file builds ./Dockerfile itself (image <project>-fraiseql); the builder stages
    // come from the BuildKit cache of the CLI build. --wait: until every service is healthy; fraiseql has no
    // healthcheck in the compose file, so the image's HEALTHCHECK (interval 30 s) decides.
    const up = await timed("compose up --wait", () => composeExec(["up", "-d", "--wait", "--wait-timeout", "240", "--build"], minutes(20)));
    if (up.exitCode !== 0) {
      const logs = await composeExec(["logs", "--no-color", "--tail", "40"], 60_000);
      expect.fail(`docker compose up --wait failed: ${describeRun(up)}\n--- compose logs ---\n${tail(logs.stdout, 60)}`);
    }
    const ps = await composeExec(["ps", "--format", "json"], 60_000);
    expect(ps.exitCode, describeRun(ps)).toBe(0);
    const rows = ps.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        const parsed = JSON.parse(line) as unknown;
        return (Array.isArray(parsed) ? parsed : [parsed]) as { Service?: string; State?: string; Health?: string }[];
      });
    const health = Object.fromEntries(rows.map((row) => [row.Service ?? "?", `${row.State ?? "?"}/${row.Health ?? ""}`]));
    expect(health).toMatchObject({ fraiseql: "running/healthy", postgres: "running/healthy" });
    const readiness = await request(`http://127.0.0.1:${serverPort}/readiness`);
    expect(readiness.status).toBe(200);
    const logs = await composeExec(["logs", "--no-color", "fraiseql"], 60_000);
    expect(logs.stdout, "FRAISEQL_ENV=development reaches the server").toContain("mode=development");
    note(`compose: fraiseql and postgres healthy (${JSON.stringify(health)}), /readiness 200 on 127.0.0.1:${serverPort}`);

    const down = await timed("compose down -v", () => composeExec(["down", "-v", "--rmi", "local", "--timeout", String(graceSeconds)], minutes(3)));
    expect(down.exitCode, describeRun(down)).toBe(0);
    composeProject = "";
    const left = await docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${prefix}-compose`]);
    expect(left.stdout.trim(), "no container left after down").toBe("");
    const volumes = await docker(["volume", "ls", "-q", "--filter", `label=com.docker.compose.project=${prefix}-compose`]);
    expect(volumes.stdout.trim(), "no volume left after down -v").toBe("");
  }, minutes(25));

  it("arm64: the builder stage cross-compiles an AArch64 fraiseql-server (and QEMU runs it when possible)", async (ctx) => {
    if (!imagePresent(crossImage)) {
      if (toolsRequired) throw new Error(`${crossImage} is required in CI (CI=true) but missing; ${setupHint}`);
      note(`arm64: SKIPPED, ${crossImage} is missing (${setupHint})`);
      return ctx.skip(`${crossImage} is missing`);
    }
    const existing = imageId(crossAlias);
    if (existing === undefined) {
      await dockerOk(["tag", crossImage, crossAlias]);
      taggedCrossAlias = true;
    } else if (existing !== imageId(crossImage)) {
      throw new Error(`${crossAlias} exists but is not ${crossImage}; it cannot cross-compile (remove that tag and re-run)`);
    }
    const armTree = path.join(work, "app-arm64");
    await cp(fixture, armTree, { recursive: true, preserveTimestamps: true, filter: (src) => path.basename(src) !== "target" });
    const init = await cli(
      ["init", "--yes", armTree, "--set", "app.name=fraiseql-e2e-arm64", "--set", `image.repository=${imageRepository}`, "--set", "image.tag=e2e-arm64", "--set", `build.rustVersion=${crossRustVersion}`, "--set", "build.platforms=linux/arm64"],
      path.join(work, "init-arm64.log"),
      120_000,
    );
    expect(init.exitCode, describeRun(init)).toBe(0);
    // The CLI's own plan for this tree targets arm64 with the generated Dockerfile.
    const plan = await cli(["build", armTree, "--dry-run"], path.join(work, "build-arm64-dry-run.log"), 60_000);
    expect(plan.exitCode, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain("--platform linux/arm64");

    // Only the builder stage (the runtime bases have no arm64 stand-ins), from the unmodified generated
    // Dockerfile; its filesystem is streamed as a tar and only /out/fraiseql-server is kept.
    const out = path.join(work, "arm64-out");
    await mkdir(out, { recursive: true });
    const script = 'set -o pipefail; docker buildx build --progress=plain --file "$1/Dockerfile" --target builder --platform linux/arm64 --output type=tar,dest=- "$1" | tar -x -C "$2" out/fraiseql-server';
    const build = await timed("arm64 builder stage", () => exec("bash", ["-c", script, "bash", armTree, out], { timeoutMs: minutes(40) }));
    await writeFile(path.join(work, "build-arm64.log"), build.stderr);
    expect(build.exitCode, describeRun(build)).toBe(0);
    const binary = path.join(out, "out", "fraiseql-server");
    const header = readFileSync(binary).subarray(0, 20);
    expect(header.subarray(0, 4).toString("latin1"), "ELF magic").toBe("\x7fELF");
    expect(header[4], "ELFCLASS64").toBe(2);
    expect(header.readUInt16LE(18), "e_machine: EM_AARCH64 (0xB7)").toBe(0xb7);
    note(`arm64: builder stage built with ${crossImage} tagged ${crossAlias} (Debian rustc ${crossRustVersion}); ELF e_machine 0x${header.readUInt16LE(18).toString(16)} = AArch64`);

    // Executing it needs an AArch64 user-mode emulator: the host's qemu-aarch64-static with an aarch64
    // sysroot, or binfmt_misc (flag F: the interpreter works inside containers) with the arm64 libc that
    // the cross stand-in image carries (libc6:arm64).
    const expectBootError = (r: ExecResult, how: string): void => {
      expect(r.exitCode, `${how}: exit code\n${describeRun(r)}`).toBe(1);
      expect(r.stderr, `${how}: the fixture's own boot error`).toContain("Schema file not found: /nonexistent/schema.compiled.json");
    };
    const sysroot = "/usr/aarch64-linux-gnu";
    const hostQemu = quiet("qemu-aarch64-static", ["--version"]).ok;
    let ran = false;
    if (hostQemu && existsSync(path.join(sysroot, "lib", "ld-linux-aarch64.so.1"))) {
      const version = await exec("qemu-aarch64-static", ["-L", sysroot, binary, "--version"], { timeoutMs: 60_000 });
      expect(version.stdout).toMatch(/^fraiseql-server \d/);
      const r = await exec("qemu-aarch64-static", ["-L", sysroot, binary, "--schema-path", "/nonexistent/schema.compiled.json"], { timeoutMs: 60_000, env: { FRAISEQL_ENV: "development" } });
      expectBootError(r, "qemu-aarch64-static on the host");
      note(`arm64: executed on the host with qemu-aarch64-static -L ${sysroot}: --version and the missing-schema boot error (exit 1) as expected`);
      ran = true;
    } else {
      note(`arm64: not run on the host directly: ${hostQemu ? `no aarch64 sysroot at ${sysroot} (apt-get install libc6-arm64-cross)` : "qemu-aarch64-static is not installed"}`);
    }
    const binfmt = "/proc/sys/fs/binfmt_misc/qemu-aarch64";
    const binfmtText = existsSync(binfmt) ? readFileSync(binfmt, "utf8") : "";
    if (/^enabled$/m.test(binfmtText) && /^flags:.*F/m.test(binfmtText)) {
      const mount = ["-v", `${binary}:/usr/local/bin/fraiseql-server:ro`];
      const version = await docker(["run", "--rm", "--label", label, "--network", "none", ...mount, crossImage, "fraiseql-server", "--version"], 120_000);
      expect(version.exitCode, describeRun(version)).toBe(0);
      expect(version.stdout).toMatch(/^fraiseql-server \d/);
      const r = await docker(["run", "--rm", "--label", label, "--network", "none", "-e", "FRAISEQL_ENV=development", ...mount, crossImage, "fraiseql-server", "--schema-path", "/nonexistent/schema.compiled.json"], 120_000);
      expectBootError(r, "binfmt_misc qemu-aarch64 in the cross image");
      note(`arm64: executed under QEMU via binfmt_misc (${binfmtText.match(/^interpreter (.*)$/m)?.[1] ?? "?"}, flags ${binfmtText.match(/^flags: (.*)$/m)?.[1] ?? "?"}) inside ${crossImage} (amd64 container, arm64 libc): --version and the missing-schema boot error (exit 1) as expected`);
      ran = true;
    } else {
      note(`arm64: not run through binfmt_misc: ${binfmtText ? "qemu-aarch64 is registered without flag F or disabled" : "qemu-aarch64 is not registered (scripts/setup-docker.sh --qemu registers it)"}`);
    }
    if (!ran) note("arm64: the binary was NOT executed (no QEMU route available); only its ELF header was checked");
    note("arm64: NOT possible here: the arm64 runtime stages (no arm64 debian/distroless stand-ins) and a multi-platform image (docker driver)");
  }, minutes(45));
});
