import { describe, expect, it } from "vitest";
import { readFile, readdir, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { runCli, tempDir } from "../helpers.js";

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}


describe("fraiseql-deploy init (the built CLI)", () => {
  it("writes the whole tree with --yes and repeats it identically from the saved answers", async () => {
    const dir = await tempDir();
    const first = runCli(["init", "--yes", dir]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const files = await listFiles(dir);
    expect(files).toContain("fraiseql-deploy.yaml");
    expect(files).toContain("Dockerfile");
    const again = runCli(["init", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("wrote 0 file(s)");
    expect(await listFiles(dir)).toEqual(files);
  });

  it("exits 2 and writes nothing for an invalid answer, naming the field and the rule", async () => {
    const dir = await tempDir();
    const result = runCli(["init", "--yes", "--set", "server.port=80", "--set", "app.name=Bad_Name", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("server.port: must be at least 1024");
    expect(result.stderr).toContain("app.name: must be a DNS-1123 label");
    expect(await listFiles(dir)).toEqual([]);
  });

  it("exits 2 for a malformed answers file, leaving the folder untouched", async () => {
    const dir = await tempDir();
    const answers = path.join(dir, "answers.yaml");
    await writeFile(answers, "app:\n  name: [oops\n");
    const result = runCli(["init", "--config", answers, dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/answers\.yaml.*\n.*\(file\): is not valid YAML/);
    expect(await listFiles(dir)).toEqual(["answers.yaml"]);
  });

  it("exits 2 for a missing answers file", async () => {
    const result = runCli(["init", "--config", "/nonexistent/answers.yaml", await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--config /nonexistent/answers.yaml: file not found");
  });

  it("lists the missing answers instead of hanging when there is no terminal", async () => {
    const dir = await tempDir();
    const result = runCli(["init", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no terminal to ask on");
    expect(result.stderr).toContain("  - app.name");
    expect(await listFiles(dir)).toEqual([]);
  });

  it("never overwrites a user's file without consent (exit 3), and honours --skip-existing and --force", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "Dockerfile"), "FROM my-own-image\n");
    const refused = runCli(["init", "--yes", dir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("  - Dockerfile");
    expect(await listFiles(dir)).toEqual(["Dockerfile"]);

    const skipped = runCli(["init", "--yes", "--skip-existing", dir]);
    expect(skipped.code).toBe(0);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).toBe("FROM my-own-image\n");
    expect(skipped.stdout).toContain("kept (exists): Dockerfile");

    const forced = runCli(["init", "--yes", "--force", dir]);
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).not.toBe("FROM my-own-image\n");
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "Dockerfile"), "FROM mine\n");
    const result = runCli(["init", "--yes", "--dry-run", dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: nothing written");
    expect(result.stdout).toMatch(/conflict \(exists, differs\)\s+Dockerfile/);
    expect(result.stdout).toMatch(/create\s+fraiseql-deploy\.yaml/);
    expect(await listFiles(dir)).toEqual(["Dockerfile"]);
  });

  it("rejects --force with --skip-existing and unknown flags with exit 2", async () => {
    expect(runCli(["init", "--force", "--skip-existing", "--yes", await tempDir()]).code).toBe(2);
    const unknown = runCli(["init", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });

  it("makes scripts executable", async () => {
    const dir = await tempDir();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    const files = await listFiles(dir);
    for (const script of files.filter((f) => f.endsWith(".sh"))) {
      expect((await stat(path.join(dir, script))).mode & 0o111, script).toBeTruthy();
    }
  });

  it("--help and --version exit 0", () => {
    const help = runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(runCli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
