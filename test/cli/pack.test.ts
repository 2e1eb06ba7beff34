/**
 * The published package works: npm pack (dist/ is already built by the global setup;
 * --ignore-scripts keeps prepack from rebuilding it under the other tests), install the tarball in an empty
 * project, and run `npx fraiseql-deploy init --yes` from there.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, sampleSchemaJson, tempDir } from "../helpers.js";

describe("npm package", () => {
  it("installs from the tarball and writes the whole tree with init --yes", async () => {
    const packDir = await tempDir("fd-pack-");
    execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", packDir], { cwd: repoRoot, stdio: "pipe" });
    const tarball = path.join(packDir, `fraiseql-deploy-${(JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version}.tgz`);
    expect(existsSync(tarball)).toBe(true);

    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" });
    expect(listing).toContain("package/bin/fraiseql-deploy.js");
    expect(listing).toContain("package/dist/cli.js");
    expect(listing).toMatch(/package\/templates\/dot\.github\/workflows\//);
    expect(listing).toContain("package/templates/deploy/fraiseql/server/Cargo.toml.hbs");
    expect(listing).not.toContain("package/test/");

    const project = await tempDir("fd-user-");
    execFileSync("npm", ["init", "-y"], { cwd: project, stdio: "pipe" });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", tarball], { cwd: project, stdio: "pipe" });
    // The getting-started layout: the authoring output, which the image compiles.
    writeFileSync(path.join(project, "schema.json"), sampleSchemaJson);
    const run = spawnSync("npx", ["fraiseql-deploy", "init", "--yes"], { cwd: project, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const file of ["Dockerfile", ".dockerignore", "deploy/docker/Dockerfile.hardened", "deploy/kubernetes/helm/fraiseql/values.schema.json", ".github/workflows/build-docker.yml", "docs/DEPLOYMENT.md", "fraiseql-deploy.yaml", "deploy/fraiseql/server/Cargo.toml"]) {
      expect(existsSync(path.join(project, file)), file).toBe(true);
    }
  }, 240_000);
});
