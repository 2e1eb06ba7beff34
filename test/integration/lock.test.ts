/**
 * `fraiseql-deploy lock` with the real cargo: resolving the pin manifest of the published fraiseql-server
 * against crates.io, with the machine's cargo and with cargo inside the builder image (the route for teams
 * without a Rust toolchain). Needs the network to crates.io; cargo and Docker are required in CI.
 */
import { describe, expect, it } from "vitest";
import { cp, readFile, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { lockedVersion } from "../../src/tools/cargo.js";
import { defaultServerVersion, serverRelease } from "../../src/server/releases.js";
import { repoRoot, runCli, tempDir, toolsRequired } from "../helpers.js";

const fixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");
const lockFile = "deploy/fraiseql/server/Cargo.lock";
const has = (file: string, args: string[]): boolean => spawnSync(file, args, { encoding: "utf8" }).status === 0;
const builderImage = `rust:${serverRelease(defaultServerVersion)?.rustVersion ?? "?"}-slim-trixie`;
const cargoReady = has("cargo", ["--version"]);
const dockerReady = has("docker", ["image", "inspect", builderImage]);

async function applicationWithoutLock(): Promise<string> {
  const dir = await tempDir("fd-lock-");
  await cp(fixture, dir, { recursive: true });
  await rm(path.join(dir, lockFile));
  const init = runCli(["init", "--yes", dir]);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  return dir;
}

describe("fraiseql-deploy lock (real cargo, crates.io)", () => {
  it("writes a Cargo.lock that pins the answers' fraiseql-server with the machine's cargo; verify then accepts the build context", async (ctx) => {
    if (!cargoReady) {
      if (toolsRequired) throw new Error("cargo is required in CI");
      return ctx.skip("cargo is not installed");
    }
    const dir = await applicationWithoutLock();
    const before = runCli(["verify", "--only", "build-context", dir]);
    expect(before.code, "a missing lock file is a finding").toBe(1);
    expect(before.stdout).toContain(lockFile);
    const r = runCli(["lock", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`fraiseql-server ${defaultServerVersion}`);
    const lock = await readFile(path.join(dir, lockFile), "utf8");
    expect(lockedVersion(lock, "fraiseql-server")).toBe(defaultServerVersion);
    expect(lockedVersion(lock, "fraiseql-cli")).toBe(defaultServerVersion);
    const after = runCli(["verify", "--only", "build-context", dir]);
    expect(after.code, after.stdout).toBe(0);
  }, 300_000);

  it("--docker resolves with cargo in the builder image and leaves nothing but Cargo.lock", async (ctx) => {
    if (!dockerReady) {
      if (toolsRequired) throw new Error(`Docker with ${builderImage} is required in CI (scripts/setup-docker.sh)`);
      return ctx.skip(`Docker or ${builderImage} is missing`);
    }
    const dir = await applicationWithoutLock();
    const r = runCli(["lock", "--docker", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(lockedVersion(await readFile(path.join(dir, lockFile), "utf8"), "fraiseql-server")).toBe(defaultServerVersion);
    const pinDir = spawnSync("ls", ["-A", path.join(dir, "deploy/fraiseql/server")], { encoding: "utf8" }).stdout.trim().split("\n").sort();
    expect(pinDir).toEqual([".gitignore", "Cargo.lock", "Cargo.toml", "pin.rs"]);
  }, 600_000);

  it("refuses in workspace mode, naming the answer", async () => {
    const dir = await tempDir("fd-lock-ws-");
    await cp(path.join(repoRoot, "test", "fixtures", "fraiseql-workspace"), dir, { recursive: true, filter: (src) => path.basename(src) !== "target" });
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    const r = runCli(["lock", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("server.source is workspace");
  }, 120_000);
});
