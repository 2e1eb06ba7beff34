/** How the built CLI writes: to pipes that close early, and with its exit code intact. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { appRepo, cliPath } from "../helpers.js";

const pipeline = (command: string) =>
  spawnSync("bash", ["-o", "pipefail", "-c", command], { encoding: "utf8", env: { ...process.env, NODE: process.execPath } });

describe("CLI output", () => {
  it("a reader that stops early ends --help quietly, with exit 0", () => {
    const result = pipeline(`"$NODE" ${JSON.stringify(cliPath)} --help | head -c 5`);
    expect(result.stdout).toBe("Usage");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const gone = pipeline(`"$NODE" ${JSON.stringify(cliPath)} --help | true`);
    expect(gone.stderr).toBe("");
    expect(gone.status).toBe(0);
  });

  it("a reader that stops early does not change the exit code of a run with findings", async () => {
    const dir = await appRepo();
    expect(spawnSync(process.execPath, [cliPath, "init", "--yes", dir]).status).toBe(0);
    await appendFile(path.join(dir, "deploy/kubernetes/service.yaml"), "broken: [unclosed\n");
    // The JSON report goes to a reader that takes one byte and leaves; the findings still exit 1.
    const result = pipeline(`"$NODE" ${JSON.stringify(cliPath)} verify --only syntax --format json ${JSON.stringify(dir)} | head -c 1`);
    expect(result.stdout).toBe("{");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    // A reader that is gone before anything is written (the write fails with EPIPE).
    const gone = pipeline(`"$NODE" ${JSON.stringify(cliPath)} verify --only syntax --format json ${JSON.stringify(dir)} | true`);
    expect(gone.stderr).toBe("");
    expect(gone.status).toBe(1);
  });
});
