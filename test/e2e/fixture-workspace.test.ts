/**
 * Docker end-to-end for what the published server cannot show here: a repository that builds fraiseql-server
 * from its own Cargo workspace (server.source: workspace), and the arm64 cross-compilation. The real server's
 * runtime behaviour (queries, probes, metrics, SIGTERM, compose, the chart's pod) is proven by
 * real-server.test.ts; cross-compiling the real server for arm64 takes longer than CI has (see README).
 *
 * 1. `init` a copy of test/fixtures/fraiseql-workspace (a small Cargo workspace whose fraiseql-server follows the
 *    real server's runtime contract, version 2.19.0 so detection picks that contract) for linux/amd64:
 *    workspace mode is detected.
 * 2. `build --load` of the standard image through the CLI: cargo builds the workspace package with --locked;
 *    the binary answers --version.
 * 3. arm64: a second tree on the cross-capable builder stand-in; only the builder stage is built (the runtime
 *    base images have no arm64 stand-ins), its binary must be an AArch64 ELF, and it is executed under QEMU
 *    when binfmt_misc or qemu-aarch64-static plus a sysroot make that possible.
 *
 * Locally, a missing Docker engine, buildx or stand-in image skips the suite with a message saying why;
 * with CI=true it is a failure. FRAISEQL_E2E_KEEP=1 keeps the temporary trees. FRAISEQL_E2E_RUST_VERSION
 * overrides the Rust stand-in version (default: `rustc --version`, as scripts/setup-docker.sh tags it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { exec, type ExecResult } from "../../src/tools/exec.js";
import { repoRoot, tempDir, toolsRequired } from "../helpers.js";
import { cli, describeRun, docker, dockerOk, dockerProblems, imageId, imagePresent, inspect, journal, minutes, quiet, setupHint } from "./support.js";

const fixture = path.join(repoRoot, "test", "fixtures", "fraiseql-workspace");
const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
const label = `dev.fraiseql-deploy.e2e=${runId}`;
const imageRepository = "localhost/fraiseql-e2e";
const standardImage = `${imageRepository}:e2e`;
const crossImage = "fraiseql-test/rust-cross:trixie";
const crossRustVersion = "1.85.1"; // Debian trixie's rustc, inside fraiseql-test/rust-cross:trixie
const crossAlias = `rust:${crossRustVersion}-slim-trixie`;
const { note, timed, summary } = journal("e2e workspace");

/** The Rust builder stand-in's version: as scripts/setup-docker.sh picks it (`rustc --version`). */
function standInRustVersion(): string | undefined {
  const fromEnv = process.env.FRAISEQL_E2E_RUST_VERSION;
  if (fromEnv) return fromEnv;
  const v = /^rustc (\d+\.\d+\.\d+)/.exec(quiet("rustc", ["--version"]).out)?.[1];
  if (v) return v;
  // No rustc here: the newest rust:X.Y.Z-slim-trixie stand-in that is not our own cross alias.
  const tags = quiet("docker", ["image", "ls", "rust", "--format", "{{.Tag}}"]).out.split("\n");
  return tags
    .map((t) => /^(\d+\.\d+\.\d+)-slim-trixie$/.exec(t)?.[1])
    .filter((t): t is string => Boolean(t) && t !== crossRustVersion)
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))[0];
}

const rustVersion = standInRustVersion();
const problems = rustVersion
  ? dockerProblems([`rust:${rustVersion}-slim-trixie`, "debian:trixie-slim", "docker/dockerfile:1"])
  : ["cannot tell the Rust stand-in version (no rustc, no rust:X.Y.Z-slim-trixie image; set FRAISEQL_E2E_RUST_VERSION)"];
const dockerReady = problems.length === 0;
if (!dockerReady && !toolsRequired) {
  console.warn(`[e2e workspace] SKIPPED: ${problems.join("; ")}. To run it, ${setupHint}.`);
}

let work = "";
let tree = "";
let taggedCrossAlias = false;

describe.skipIf(!dockerReady && !toolsRequired)("a Cargo workspace that builds fraiseql-server itself (workspace mode, arm64 cross-compilation)", () => {
  beforeAll(async () => {
    if (!dockerReady) throw new Error(`Docker end-to-end suite required (CI=true) but ${problems.join("; ")}; ${setupHint}`);
    if (!existsSync(path.join(repoRoot, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run npm run build (vitest's global setup does)");
    work = await tempDir("fd-e2e-");
    tree = path.join(work, "app");
    // Timestamps preserved: cargo then recognises its own earlier build in the BuildKit target cache.
    await cp(fixture, tree, { recursive: true, preserveTimestamps: true, filter: (src) => path.basename(src) !== "target" });
    note(`run ${runId}: work dir ${work}, Rust stand-in ${rustVersion ?? "?"}`);
  }, minutes(3));

  afterAll(async () => {
    if (!dockerReady) return;
    const containers = (await docker(["ps", "-aq", "--filter", `label=${label}`])).stdout.split("\n").filter(Boolean);
    if (containers.length > 0) await docker(["rm", "-f", "-v", ...containers]);
    if (imagePresent(standardImage)) await docker(["image", "rm", standardImage]);
    if (taggedCrossAlias) await docker(["image", "rm", crossAlias]); // removes only our tag; the stand-in stays
    if (work && process.env.FRAISEQL_E2E_KEEP !== "1") await rm(work, { recursive: true, force: true });
    summary();
  }, minutes(5));

  it("init detects the workspace and renders a build of its fraiseql-server package", async () => {
    const r = await timed("init", () =>
      cli(
        ["init", "--yes", tree, "--set", "app.name=fraiseql-e2e", "--set", `image.repository=${imageRepository}`, "--set", "image.tag=e2e", "--set", `build.rustVersion=${rustVersion}`, "--set", "build.platforms=linux/amd64"],
        path.join(work, "init.log"),
        120_000,
      ),
    );
    expect(r.exitCode, describeRun(r)).toBe(0);
    const answers = yaml.load(await readFile(path.join(tree, "fraiseql-deploy.yaml"), "utf8")) as { server?: { source?: string; version?: string }; schema?: { compile?: boolean; path?: string } };
    expect(answers.server).toMatchObject({ source: "workspace", version: "2.19.0" });
    expect(answers.schema, "the workspace commits a compiled schema").toMatchObject({ compile: false, path: "schema.compiled.json" });
    expect(existsSync(path.join(tree, "deploy/fraiseql/server/Cargo.toml")), "no pin manifest in workspace mode").toBe(false);
    const dockerfile = await readFile(path.join(tree, "Dockerfile"), "utf8");
    expect(dockerfile).toContain("cargo build --locked --release -p fraiseql-server");
    const verify = await cli(["verify", tree, "--only", "build-context,server-boot"], path.join(work, "verify.log"), minutes(2));
    expect(verify.exitCode, describeRun(verify)).toBe(0);
  }, minutes(3));

  it("build --load builds the workspace package into the standard image", async () => {
    const r = await timed("build standard", () => cli(["build", tree, "--load", "--platforms", "linux/amd64"], path.join(work, "build-standard.log"), minutes(30)));
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.stderr).toContain(`built ${standardImage} for linux/amd64`);
    const config = JSON.parse(await inspect(standardImage, "{{json .Config}}")) as { User?: string; Entrypoint?: string[] };
    expect(config.User).toBe("65532:65532");
    expect(config.Entrypoint).toEqual(["/usr/local/bin/fraiseql-server"]);
    const version = await docker(["run", "--rm", "--label", label, standardImage, "--version"]);
    expect(version.stdout, describeRun(version)).toMatch(/^fraiseql-server 2\.19\.0/);
    note(`workspace build: ${version.stdout.trim()}, image ${(Number(await inspect(standardImage, "{{.Size}}")) / 1e6).toFixed(1)} MB`);
  }, minutes(31));

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
