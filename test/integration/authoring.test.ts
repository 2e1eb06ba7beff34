/**
 * The e2e application's schema.json is what FraiseQL's own authoring package writes: the fixture's schema.py,
 * run with the `fraiseql` package from PyPI, must export exactly the committed schema.json (which the
 * real-server suite compiles with fraiseql-cli in the image). The package is installed once into a venv under
 * ~/.cache/fraiseql-deploy; needs Python 3 and PyPI (required in CI).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { repoRoot, tempDir, toolsRequired } from "../helpers.js";

// The newest fraiseql authoring release on PyPI (there is no 2.19 of the package; its schema.json is what the
// 2.19 compiler reads).
const authoringVersion = "2.18.0";
const venv = path.join(process.env.FRAISEQL_DEPLOY_CACHE ?? path.join(os.homedir(), ".cache", "fraiseql-deploy"), `venv-fraiseql-${authoringVersion}`);
const python = spawnSync("python3", ["--version"]).status === 0;

describe("the application fixture's schema.json", () => {
  it(`is what schema.py exports with the fraiseql package ${authoringVersion}`, async (ctx) => {
    if (!python) {
      if (toolsRequired) throw new Error("python3 is required in CI");
      return ctx.skip("python3 is not installed");
    }
    const venvPython = path.join(venv, "bin", "python");
    if (!existsSync(venvPython)) {
      const made = spawnSync("python3", ["-m", "venv", venv], { encoding: "utf8" });
      expect(made.status, made.stderr).toBe(0);
    }
    const pip = spawnSync(venvPython, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `fraiseql==${authoringVersion}`], { encoding: "utf8", timeout: 300_000 });
    expect(pip.status, pip.stderr).toBe(0);
    const dir = await tempDir("fd-authoring-");
    await cp(path.join(repoRoot, "test", "fixtures", "fraiseql-app", "schema.py"), path.join(dir, "schema.py"));
    const run = spawnSync(venvPython, ["schema.py"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const exported = JSON.parse(await readFile(path.join(dir, "schema.json"), "utf8")) as unknown;
    const committed = JSON.parse(await readFile(path.join(repoRoot, "test", "fixtures", "fraiseql-app", "schema.json"), "utf8")) as unknown;
    expect(exported).toEqual(committed);
  }, 400_000);
});
