/** How the built CLI writes: to pipes that close early, and with its exit code intact. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cliPath, tempDir } from "../helpers.js";

const pipeline = (command: string) =>
  spawnSync("bash", ["-o", "pipefail", "-c", command], { encoding: "utf8", env: { ...process.env, NODE: process.execPath } });

describe("CLI output", () => {
  it("a reader that stops early ends --help quietly, with exit 0", () => {
    const result = pipeline(`"$NODE" ${JSON.stringify(cliPath)} --help | head -c 5`);
    expect(result.stdout).toBe("Usage");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("a reader that stops early does not change the exit code of a failing run", async () => {
    const dir = await tempDir();
    // An invalid answer: exit 2, with its message on stderr while stdout is a pipe that closes at once.
    const result = pipeline(`"$NODE" ${JSON.stringify(cliPath)} init --yes --set server.port=80 ${JSON.stringify(dir)} | head -c 0`);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/server\.port/);
  });
});
