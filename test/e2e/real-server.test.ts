/**
 * The published fraiseql-server, end to end: an application repository made the way FraiseQL's getting-started
 * guide makes it (test/fixtures/fraiseql-app: schema.py and the schema.json it exports, SQL views, no Rust code)
 * gets the default deployment, and every artifact boots the real server and serves the application's rows.
 *
 * 1. `init --yes` (server.source crates, server.version = the table's default, schema compiled in the image),
 *    with the fixture's committed deploy/fraiseql/server/Cargo.lock (what `fraiseql-deploy lock` writes).
 * 2. `build --load` of Dockerfile and deploy/docker/Dockerfile.hardened: cargo builds fraiseql-server and
 *    fraiseql-cli from crates.io in the generated builder stages; BuildKit cache mounts keep the crates and
 *    the compiled dependencies, so a warm run does not recompile.
 * 3. PostgreSQL 18 (the server's minimum) with the fixture's views and rows this run inserts.
 * 4. Each image as the manifests run it (UID 65532, read-only root, no capabilities): /live, /readiness, the
 *    query returns exactly the inserted rows, /metrics 401 without and 200 with the token, the standard image's
 *    HEALTHCHECK, SIGTERM with a query in flight (answered, exit 0); refusal without a database and against
 *    PostgreSQL 17 (the version table's minimum, proven).
 * 5. `docker compose up --wait` of docker-compose.yml (its own PostgreSQL) and docker-compose.prod.yml (with the
 *    .env the docs describe, DATABASE_URL pointing at an external PostgreSQL): both serve the query.
 * 6. The Helm chart's pod, rendered by `helm template`: its container run under Docker with the rendered env,
 *    mounts (the ConfigMap's files), user, read-only root and dropped capabilities, inside "Kubernetes"
 *    (KUBERNETES_SERVICE_HOST set, so production mode): the kubelet's probes pass and the query is served.
 *
 * Locally, missing Docker or stand-ins skip the suite with a message; with CI=true that is a failure.
 * FRAISEQL_E2E_KEEP=1 keeps the temporary trees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { exec, type ExecResult } from "../../src/tools/exec.js";
import { defaultServerVersion, serverRelease } from "../../src/server/releases.js";
import { findExecutable } from "../../src/tools/registry.js";
import { repoRoot, tempDir, toolsRequired } from "../helpers.js";
import {
  cli, composeCommand, describeRun, docker, dockerOk, dockerProblems, expectRows, freePort, hardening, imagePresent, inspect,
  journal, minutes, request, setupHint, sleep, tail, waitFor,
} from "./support.js";

const fixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");
const release = serverRelease(defaultServerVersion);
if (!release) throw new Error(`no release row for ${defaultServerVersion}`);
const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
const prefix = `fdreal-${runId}`;
const label = `dev.fraiseql-deploy.e2e=${runId}`;
const imageRepository = "localhost/fraiseql-real";
const standardImage = `${imageRepository}:e2e`;
const hardenedImage = `${imageRepository}:e2e-hardened`;
const postgresImage = `postgres:${release.postgresMin}-trixie`;
const olderPostgresImage = `postgres:${release.postgresMin - 1}-trixie`;
const builderImage = `rust:${release.rustVersion}-slim-trixie`;
const metricsToken = randomBytes(16).toString("hex");
const { note, timed, summary } = journal("e2e real server");

const problems = dockerProblems([builderImage, "debian:trixie-slim", "gcr.io/distroless/cc-debian13:nonroot", postgresImage, olderPostgresImage, "docker/dockerfile:1"]);
const dockerReady = problems.length === 0;
const composeCmd = dockerReady ? composeCommand() : undefined;
if (!dockerReady && !toolsRequired) {
  console.warn(`[e2e real server] SKIPPED: ${problems.join("; ")}. To run it, ${setupHint}.`);
}

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
/** The rows this run inserts; the server must return exactly these. */
const itemNames = ["apple", "brioche", "clafoutis"].map((n) => `${n}-${runId}`);
const composeProjects: string[] = [];

/** Creates the fixture's tables and views and inserts this run's rows, through psql in a PostgreSQL container. */
async function loadDatabase(psql: (sql: string) => Promise<ExecResult>): Promise<void> {
  const schema = await readFile(path.join(fixture, "db", "schema.sql"), "utf8");
  const values = itemNames.map((n) => `('${n}')`).join(", ");
  const r = await psql(`${schema}\nINSERT INTO tb_item (name) VALUES ${values};\n`);
  if (r.exitCode !== 0) throw new Error(`loading the database failed: ${describeRun(r)}`);
}

/** The query must return exactly the inserted rows. */
const expectItems = (base: string, query?: string, timeoutMs?: number): Promise<void> => expectRows(base, itemNames, query, timeoutMs);

async function composeRun(project: string, file: string, args: string[], timeoutMs: number, env: Record<string, string> = {}, input?: string): Promise<ExecResult> {
  const [bin, ...pre] = composeCmd ?? ["docker", "compose"];
  return exec(bin ?? "docker", [...pre, "-p", project, "-f", file, ...args], { cwd: tree, timeoutMs, env, ...(input !== undefined ? { input } : {}) });
}

describe.skipIf(!dockerReady && !toolsRequired)(`the published fraiseql-server ${defaultServerVersion}, built and run from the generated files`, () => {
  beforeAll(async () => {
    if (!dockerReady) throw new Error(`the real-server suite is required (CI=true) but ${problems.join("; ")}; ${setupHint}`);
    if (!existsSync(path.join(repoRoot, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run npm run build (vitest's global setup does)");
    work = await tempDir("fd-real-");
    tree = path.join(work, "app");
    await cp(fixture, tree, { recursive: true });
    serverPort = await freePort();
    note(`run ${runId}: work dir ${work}, fraiseql-server ${defaultServerVersion} on ${builderImage}, server port ${serverPort}`);
  }, minutes(3));

  afterAll(async () => {
    if (!dockerReady) return;
    for (const project of composeProjects) {
      for (const file of ["docker-compose.yml", "docker-compose.prod.yml"]) await composeRun(project, file, ["down", "-v", "--timeout", "10"], 120_000);
    }
    const containers = (await docker(["ps", "-aq", "--filter", `label=${label}`])).stdout.split("\n").filter(Boolean);
    if (containers.length > 0) await docker(["rm", "-f", "-v", ...containers]);
    await docker(["network", "rm", network]);
    const images = [standardImage, hardenedImage].filter((ref) => imagePresent(ref));
    if (images.length > 0) await docker(["image", "rm", ...images]);
    if (work && process.env.FRAISEQL_E2E_KEEP !== "1") await rm(work, { recursive: true, force: true });
    summary();
  }, minutes(5));

  it("init renders the deployment of an application repository: the published crates, the schema compiled in the image", async () => {
    const lockBefore = await readFile(path.join(tree, "deploy/fraiseql/server/Cargo.lock"), "utf8");
    const r = await timed("init", () =>
      cli(
        ["init", "--yes", tree, "--set", "app.name=fraiseql-real", "--set", `image.repository=${imageRepository}`, "--set", "image.tag=e2e", "--set", "build.platforms=linux/amd64", "--set", `server.port=${serverPort}`],
        path.join(work, "init.log"),
        120_000,
      ),
    );
    expect(r.exitCode, describeRun(r)).toBe(0);
    const answers = yaml.load(await readFile(path.join(tree, "fraiseql-deploy.yaml"), "utf8")) as { server?: { source?: string; version?: string }; build?: { rustVersion?: string }; schema?: { compile?: boolean; path?: string } };
    expect(answers.server).toMatchObject({ source: "crates", version: defaultServerVersion });
    expect(answers.build?.rustVersion).toBe(release.rustVersion);
    expect(answers.schema).toMatchObject({ compile: true, path: "schema.json" });
    const dockerfile = await readFile(path.join(tree, "Dockerfile"), "utf8");
    expect(dockerfile).toContain(`FROM --platform=$BUILDPLATFORM ${builderImage} AS builder`);
    expect(dockerfile).toContain("AS compiler");
    expect(await readFile(path.join(tree, "deploy/fraiseql/server/Cargo.lock"), "utf8"), "init leaves the committed lock file alone").toBe(lockBefore);
    const compose = yaml.load(await readFile(path.join(tree, "docker-compose.yml"), "utf8")) as { services?: { fraiseql?: { stop_grace_period?: string }; postgres?: { image?: string } } };
    expect(compose.services?.postgres?.image).toBe(postgresImage);
    const grace = /^(\d+)s$/.exec(compose.services?.fraiseql?.stop_grace_period ?? "")?.[1];
    if (grace) graceSeconds = Number(grace);
  }, minutes(2));

  it("verify finds the build context complete and every artifact acceptable to the server's boot checks", async () => {
    const r = await cli(["verify", tree, "--only", "build-context,server-boot,runtime-contract,consistency"], path.join(work, "verify.log"), minutes(2));
    expect(r.exitCode, describeRun(r)).toBe(0);
  }, minutes(3));

  it("build --load builds the standard image: fraiseql-server and fraiseql-cli from crates.io, the schema compiled", async () => {
    const r = await timed("build standard", () => cli(["build", tree, "--load", "--platforms", "linux/amd64"], path.join(work, "build-standard.log"), minutes(75)));
    expect(r.exitCode, describeRun(r)).toBe(0);
    const config = JSON.parse(await inspect(standardImage, "{{json .Config}}")) as { User?: string; Entrypoint?: string[] };
    expect(config.User).toBe("65532:65532");
    expect(config.Entrypoint).toEqual(["/usr/local/bin/fraiseql-server"]);
    const version = await docker(["run", "--rm", "--label", label, standardImage, "--version"]);
    expect(version.stdout, describeRun(version)).toContain(defaultServerVersion);
    built.standard = true;
    note(`standard image: ${(Number(await inspect(standardImage, "{{.Size}}")) / 1e6).toFixed(1)} MB, ${version.stdout.trim()}`);
  }, minutes(76));

  it("build --load --hardened builds the distroless image from the same build cache", async () => {
    const r = await timed("build hardened", () => cli(["build", tree, "--load", "--platforms", "linux/amd64", "--hardened"], path.join(work, "build-hardened.log"), minutes(75)));
    expect(r.exitCode, describeRun(r)).toBe(0);
    const shell = await docker(["run", "--rm", "--label", label, "--entrypoint", "/bin/sh", hardenedImage, "-c", "true"]);
    expect(shell.exitCode, "the hardened image must have no /bin/sh").not.toBe(0);
    built.hardened = true;
    note(`hardened image: ${(Number(await inspect(hardenedImage, "{{.Size}}")) / 1e6).toFixed(1)} MB`);
  }, minutes(76));

  it(`PostgreSQL ${release.postgresMin} holds the application's views and this run's rows`, async () => {
    await timed("postgres ready", async () => {
      await dockerOk(["network", "create", "--label", label, network]);
      await dockerOk(["run", "-d", "--name", pgName, "--label", label, "--network", network, "-e", "POSTGRES_USER=fraiseql", "-e", `POSTGRES_PASSWORD=${pgPassword}`, "-e", "POSTGRES_DB=fraiseql", postgresImage]);
      let streak = 0;
      await waitFor("postgres accepting TCP connections twice in a row", 90_000, async () => {
        const r = await docker(["exec", pgName, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "fraiseql", "-d", "fraiseql"], 15_000);
        streak = r.exitCode === 0 ? streak + 1 : 0;
        return streak >= 2 ? true : undefined;
      }, pgName);
      await loadDatabase((sql) => docker(["exec", "-i", pgName, "psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", "fraiseql", "-d", "fraiseql"], 60_000, { input: sql }));
    });
    databaseUrl = `postgres://fraiseql:${pgPassword}@${pgName}:5432/fraiseql`;
    postgresReady = true;
  }, minutes(3));

  async function exercise(kind: "standard" | "hardened", image: string): Promise<void> {
    expect(built[kind], `needs the ${kind} image from the build step`).toBe(true);
    expect(postgresReady, "needs PostgreSQL from the previous step").toBe(true);
    const name = `${prefix}-${kind}`;
    const started = Date.now();
    await dockerOk(["run", "-d", "--name", name, "--label", label, "--network", network, ...hardening, "-e", `DATABASE_URL=${databaseUrl}`, "-e", "FRAISEQL_METRICS_ENABLED=true", "-e", `FRAISEQL_METRICS_TOKEN=${metricsToken}`, "-p", `127.0.0.1::${serverPort}`, image]);
    const base = `http://${(await dockerOk(["port", name, `${serverPort}/tcp`])).split("\n")[0] ?? ""}`;
    await waitFor("GET /readiness -> 200", 90_000, async () => ((await request(`${base}/readiness`)).status === 200 ? true : undefined), name);
    note(`${kind}: /readiness 200 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect((await request(`${base}/live`)).status, "/live").toBe(200);
    await expectItems(base);

    expect((await request(`${base}/metrics`)).status, "/metrics without the bearer token").toBe(401);
    // The real server tells a missing token (401, WWW-Authenticate: Bearer) from a wrong one (403).
    expect((await request(`${base}/metrics`, { headers: { authorization: "Bearer not-the-token-0123456789" } })).status, "/metrics with a wrong token").toBe(403);
    const metrics = await request(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(metrics.status, "/metrics with the bearer token").toBe(200);
    expect(metrics.body).toMatch(/^fraiseql_\w+/m);

    if (kind === "standard") {
      const health = await timed("standard HEALTHCHECK healthy", () =>
        waitFor("Docker HEALTHCHECK healthy", 100_000, async () => {
          const status = await inspect(name, "{{if .State.Health}}{{.State.Health.Status}}{{end}}");
          if (status === "unhealthy") throw new Error(`unhealthy: ${await inspect(name, "{{json .State.Health.Log}}")}`);
          return status === "healthy" ? status : undefined;
        }, name),
      );
      expect(health).toBe("healthy");
    }

    // SIGTERM while a 3-second query (the fixture's v_item_slow view) is in flight: answered, then exit 0.
    const inFlight = expectItems(base, "{ slowItems { id name } }", 30_000);
    await sleep(1_000);
    const stopStarted = Date.now();
    const stop = await docker(["stop", "-t", String(graceSeconds), name], (graceSeconds + 30) * 1000);
    const stopSeconds = (Date.now() - stopStarted) / 1000;
    expect(stop.exitCode, describeRun(stop)).toBe(0);
    await inFlight;
    expect(await inspect(name, "{{.State.ExitCode}} {{.State.OOMKilled}}"), "SIGTERM ends the server with exit code 0").toBe("0 false");
    expect(stopSeconds).toBeLessThan(Math.min(20, graceSeconds / 2));
    note(`${kind}: query answered with the ${itemNames.length} rows; docker stop with a 3 s query in flight: answered, exit 0 after ${stopSeconds.toFixed(1)} s`);
  }

  it("the standard image serves the rows, passes its HEALTHCHECK and drains on SIGTERM", async () => {
    await timed("run standard", () => exercise("standard", standardImage));
  }, minutes(5));

  it("the hardened image serves the rows and drains on SIGTERM", async () => {
    await timed("run hardened", () => exercise("hardened", hardenedImage));
  }, minutes(4));

  it(`refuses to boot without a reachable database, and against PostgreSQL ${release.postgresMin - 1}`, async () => {
    expect(built.hardened && postgresReady, "needs the hardened image and the network").toBe(true);
    const older = `${prefix}-pg-older`;
    await dockerOk(["run", "-d", "--name", older, "--label", label, "--network", network, "-e", "POSTGRES_USER=fraiseql", "-e", `POSTGRES_PASSWORD=${pgPassword}`, "-e", "POSTGRES_DB=fraiseql", olderPostgresImage]);
    await waitFor("the older PostgreSQL ready", 90_000, async () => ((await docker(["exec", older, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "fraiseql"], 15_000)).exitCode === 0 ? true : undefined), older);
    await sleep(2_000);
    const cases: [string, string[], RegExp][] = [
      ["DATABASE_URL with nothing listening", ["-e", `DATABASE_URL=postgres://fraiseql:${pgPassword}@${pgName}:5433/fraiseql`], /Failed to acquire connection/],
      ["DATABASE_URL with a wrong password", ["-e", `DATABASE_URL=postgres://fraiseql:wrong-${pgPassword}@${pgName}:5432/fraiseql`], /Failed to acquire connection/],
      [`PostgreSQL ${release.postgresMin - 1}`, ["-e", `DATABASE_URL=postgres://fraiseql:${pgPassword}@${older}:5432/fraiseql`], new RegExp(`requires PostgreSQL ${release.postgresMin} or newer`)],
    ];
    for (const [what, env, reason] of cases) {
      const r = await docker(["run", "--rm", "--label", label, "--network", network, ...hardening, ...env, hardenedImage], 120_000);
      expect(r.exitCode, `${what}: must exit non-zero by itself\n${describeRun(r)}`).toBeGreaterThan(0);
      expect(`${r.stdout}\n${r.stderr}`, `${what}: says why`).toMatch(reason);
      note(`${what}: exit ${r.exitCode} (${tail(r.stderr, 1).slice(0, 200)})`);
    }
  }, minutes(6));

  it("docker compose up --wait: the development stack (its own PostgreSQL) serves the rows", async () => {
    expect(composeCmd, "docker compose is required (scripts/install-tools.sh installs it)").toBeDefined();
    const project = `${prefix}-dev`;
    composeProjects.push(project);
    const pgPort = String(await freePort());
    const up = await timed("compose dev up --wait", () => composeRun(project, "docker-compose.yml", ["up", "-d", "--wait", "--wait-timeout", "300", "--build"], minutes(30), { POSTGRES_HOST_PORT: pgPort }));
    if (up.exitCode !== 0) {
      const logs = await composeRun(project, "docker-compose.yml", ["logs", "--no-color", "--tail", "40"], 60_000);
      expect.fail(`docker compose up --wait failed: ${describeRun(up)}\n--- compose logs ---\n${tail(logs.stdout, 60)}`);
    }
    await loadDatabase((sql) => composeRun(project, "docker-compose.yml", ["exec", "-T", "postgres", "psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", "fraiseql", "-d", "fraiseql"], 60_000, { POSTGRES_HOST_PORT: pgPort }, sql));
    await expectItems(`http://127.0.0.1:${serverPort}`);
    const down = await composeRun(project, "docker-compose.yml", ["down", "-v", "--timeout", String(graceSeconds)], minutes(3));
    expect(down.exitCode, describeRun(down)).toBe(0);
    note("compose (dev): fraiseql and postgres healthy, the query served the rows");
  }, minutes(32));

  it("docker compose up --wait: the production stack, with the .env the docs describe, serves the rows", async () => {
    expect(composeCmd && built.hardened && postgresReady, "needs docker compose, the hardened image and PostgreSQL").toBeTruthy();
    const project = `${prefix}-prod`;
    composeProjects.push(project);
    // .env as docs/DEPLOYMENT.md and .env.example describe it; the database is external, reached by an alias.
    await writeFile(path.join(tree, ".env"), `DATABASE_URL=postgres://fraiseql:${pgPassword}@db:5432/fraiseql\nFRAISEQL_METRICS_TOKEN=${metricsToken}\n`);
    const create = await composeRun(project, "docker-compose.prod.yml", ["up", "--no-start"], minutes(2));
    expect(create.exitCode, describeRun(create)).toBe(0);
    await dockerOk(["network", "connect", "--alias", "db", `${project}_default`, pgName]);
    try {
      const up = await timed("compose prod up --wait", () => composeRun(project, "docker-compose.prod.yml", ["up", "-d", "--wait", "--wait-timeout", "120"], minutes(3)));
      expect(up.exitCode, describeRun(up)).toBe(0);
      const base = `http://127.0.0.1:${serverPort}`;
      await waitFor("prod /readiness -> 200", 60_000, async () => ((await request(`${base}/readiness`)).status === 200 ? true : undefined));
      await expectItems(base);
      expect((await request(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
      note("compose (prod): hardened image with .env, external PostgreSQL, query served the rows");
    } finally {
      await composeRun(project, "docker-compose.prod.yml", ["down", "--timeout", "10"], minutes(2));
      await docker(["network", "disconnect", "-f", `${project}_default`, pgName]);
      await rm(path.join(tree, ".env"), { force: true });
    }
  }, minutes(6));

  it("the Helm chart's pod, as helm template renders it, boots under Docker the way a kubelet would run it", async (ctx) => {
    const helm = (await findExecutable("helm3")) ?? (await findExecutable("helm"));
    if (!helm) {
      if (toolsRequired) throw new Error("helm is required in CI (scripts/install-tools.sh installs it)");
      return ctx.skip("helm is not installed");
    }
    expect(built.hardened && postgresReady, "needs the hardened image and PostgreSQL").toBe(true);
    const rendered = await exec(helm, ["template", "fraiseql-real", path.join(tree, "deploy/kubernetes/helm/fraiseql"), "--namespace", "fraiseql-real"], { timeoutMs: 60_000 });
    expect(rendered.exitCode, describeRun(rendered)).toBe(0);
    const docs = yaml.loadAll(rendered.stdout).filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null);
    type Container = { image: string; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]; args?: string[]; ports?: { name?: string; containerPort: number }[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]; securityContext?: { runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } }; readinessProbe?: { httpGet?: { path: string } }; livenessProbe?: { httpGet?: { path: string } }; startupProbe?: { httpGet?: { path: string } } };
    type Pod = { securityContext?: { runAsUser?: number; runAsGroup?: number }; containers: Container[]; volumes?: { name: string; configMap?: { name: string }; emptyDir?: unknown }[] };
    const deployment = docs.find((d) => d.kind === "Deployment") as { spec: { template: { spec: Pod } } } | undefined;
    expect(deployment, "the chart renders a Deployment").toBeDefined();
    const pod = deployment?.spec.template.spec as Pod;
    const container = pod.containers[0] as Container;
    expect(container.image).toBe(hardenedImage);
    const secrets: Record<string, string> = { [`fraiseql-real-database/DATABASE_URL`]: databaseUrl, [`fraiseql-real-metrics/token`]: metricsToken };
    const args = ["run", "-d", "--name", `${prefix}-pod`, "--label", label, "--network", network, "-e", "KUBERNETES_SERVICE_HOST=10.96.0.1", "-e", "KUBERNETES_SERVICE_PORT=443"];
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      const value = ref ? secrets[`${ref.name}/${ref.key}`] : e.value;
      if (value === undefined) throw new Error(`env ${e.name}: no value for ${JSON.stringify(e.valueFrom)} in this test`);
      args.push("-e", `${e.name}=${value}`);
    }
    // Volumes: the chart's ConfigMaps become read-only files at their mount paths, an emptyDir a tmpfs.
    const mountRoot = path.join(work, "pod-volumes");
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      if (volume?.configMap) {
        const cm = docs.find((d) => d.kind === "ConfigMap" && (d.metadata as { name?: string } | undefined)?.name === volume.configMap?.name) as { data?: Record<string, string> } | undefined;
        expect(cm, `ConfigMap ${volume.configMap.name} rendered by the chart`).toBeDefined();
        const dir = path.join(mountRoot, mount.name);
        await mkdir(dir, { recursive: true });
        for (const [key, content] of Object.entries(cm?.data ?? {})) await writeFile(path.join(dir, key), content);
        args.push("-v", `${dir}:${mount.mountPath}:ro`);
      } else if (volume?.emptyDir !== undefined) {
        args.push("--tmpfs", mount.mountPath);
      } else {
        throw new Error(`volume ${mount.name} is neither a ConfigMap nor an emptyDir; this test cannot provide it`);
      }
    }
    const sc = container.securityContext ?? {};
    const user = sc.runAsUser ?? pod.securityContext?.runAsUser;
    const group = sc.runAsGroup ?? pod.securityContext?.runAsGroup;
    expect(user, "the pod runs as a numeric non-root user").toBe(65532);
    args.push("--user", `${user}:${group ?? user}`);
    if (sc.readOnlyRootFilesystem) args.push("--read-only");
    for (const cap of sc.capabilities?.drop ?? []) args.push("--cap-drop", cap);
    if (sc.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
    const port = container.ports?.[0]?.containerPort ?? serverPort;
    args.push("-p", `127.0.0.1::${port}`, container.image, ...(container.args ?? []));
    const name = `${prefix}-pod`;
    await dockerOk(args);
    const base = `http://${(await dockerOk(["port", name, `${port}/tcp`])).split("\n")[0] ?? ""}`;
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      const probePath = probe?.httpGet?.path;
      expect(probePath, "every probe is an httpGet the kubelet can run").toBeDefined();
      await waitFor(`probe ${probePath ?? ""} -> 200`, 90_000, async () => ((await request(`${base}${probePath ?? ""}`)).status === 200 ? true : undefined), name);
    }
    await expectItems(base);
    const logs = await docker(["logs", name]);
    expect(`${logs.stdout}${logs.stderr}`, "production mode inside Kubernetes").not.toMatch(/mode=development/);
    await dockerOk(["stop", "-t", "30", name], 60_000);
    expect(await inspect(name, "{{.State.ExitCode}}")).toBe("0");
    note("chart: the rendered pod (env, ConfigMap mounts, user, read-only root, no capabilities, production mode) passed its probes and served the rows");
  }, minutes(5));
});
