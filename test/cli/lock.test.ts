/** `fraiseql-deploy lock` from the built CLI: the cases that need no cargo (the resolving itself is in test/unit/lock.test.ts). */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { appRepo, runCli, tempDir, writeServerWorkspace } from "../helpers.js";

describe("fraiseql-deploy lock (the built CLI)", () => {
  it("is listed with its --docker option", () => {
    const help = runCli(["lock", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("deploy/fraiseql/server/Cargo.lock");
    expect(help.stdout).toContain("--docker");
    expect(runCli(["--help"]).stdout).toMatch(/^\s+lock \[options\] \[dir\]/m);
  });

  it("exits 2 before init, naming the answers file it needs", async () => {
    const dir = await tempDir();
    const result = runCli(["lock", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, "fraiseql-deploy.yaml")} not found: run \`fraiseql-deploy init\` first`);
  });

  it("exits 2 in workspace mode: the workspace's own Cargo.lock pins that build", async () => {
    const dir = await tempDir();
    await writeServerWorkspace(dir, { workspaceVersion: "2.19.0" });
    expect(runCli(["init", "--yes", "--set", "schema.source=configmap", dir]).code).toBe(0);
    const result = runCli(["lock", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("server.source is workspace: the workspace's own Cargo.lock pins the build, so there is no deploy/fraiseql/server/Cargo.lock to write");
    expect(existsSync(path.join(dir, "deploy/fraiseql/server"))).toBe(false);
  });

  it("build --dry-run prints the command and resolves nothing", async () => {
    const dir = await appRepo();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    const result = runCli(["build", "--dry-run", dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("docker buildx build");
    expect(existsSync(path.join(dir, "deploy/fraiseql/server/Cargo.lock"))).toBe(false);
  });
});
