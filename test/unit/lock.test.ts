/**
 * `fraiseql-deploy lock` (writeLock) and the lock step of `build`, with a fake Exec standing in for cargo and
 * docker. PATH holds only stand-in executables that fail if ever run, so the machine's real cargo and docker
 * are never found: which one the command picks is part of what is tested.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmod, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import type { PartialAnswers } from "../../src/answers/fields.js";
import { serializeAnswers } from "../../src/answers/file.js";
import { runBuild } from "../../src/commands/build.js";
import { pinLock, pinManifest, runLock, writeLock } from "../../src/commands/lock.js";
import { ExitCode, ToolError, UsageError } from "../../src/errors.js";
import { dockerGenerateLockfileArgs } from "../../src/tools/cargo.js";
import type { Exec, ExecOptions, ExecResult } from "../../src/tools/exec.js";
import { answersWith, sampleCargoLock, tempDir, treeWith } from "../helpers.js";

interface Call {
  file: string;
  args: string[];
  options?: ExecOptions;
}

interface FakeTools {
  exec: Exec;
  calls: Call[];
  /** Folders cargo resolved in, with the files it found there. */
  scratches: { dir: string; files: Record<string, string> }[];
}

const ok: ExecResult = { exitCode: 0, stdout: "", stderr: "" };

/**
 * cargo and docker as far as `lock` uses them: `cargo --version`, `cargo generate-lockfile --manifest-path
 * DIR/Cargo.toml` and `docker run ... --volume DIR:/pin ... cargo generate-lockfile` write `lock` to DIR/Cargo.lock
 * (or fail with `failure`); anything else answers with `other`.
 */
function fakeTools(options: { cargoVersion?: string; lock?: string; failure?: Partial<ExecResult>; other?: (args: readonly string[]) => ExecResult } = {}): FakeTools {
  const calls: Call[] = [];
  const scratches: FakeTools["scratches"] = [];
  const resolveIn = async (dir: string): Promise<ExecResult> => {
    const files: Record<string, string> = {};
    for (const name of await readdir(dir)) files[name] = await readFile(path.join(dir, name), "utf8");
    scratches.push({ dir, files });
    if (options.failure) return { ...ok, exitCode: 101, ...options.failure };
    await writeFile(path.join(dir, "Cargo.lock"), options.lock ?? sampleCargoLock());
    return ok;
  };
  const exec: Exec = async (file, args, execOptions) => {
    calls.push({ file, args: [...args], ...(execOptions ? { options: execOptions } : {}) });
    const tool = path.basename(file);
    if (tool === "cargo" && args[0] === "--version") return { ...ok, stdout: `cargo ${options.cargoVersion ?? "1.95.0"} (f2d3ce0bd 2026-03-21)\n` };
    if (tool === "cargo" && args[0] === "generate-lockfile") return resolveIn(path.dirname(args[2] ?? ""));
    if (tool === "docker" && args[0] === "run" && args.at(-1) === "generate-lockfile") {
      const volume = args[args.indexOf("--volume") + 1] ?? "";
      return resolveIn(volume.slice(0, volume.lastIndexOf(":/pin")));
    }
    return options.other ? options.other(args) : { ...ok, exitCode: 127, stderr: `fake ${tool}: unexpected ${args.join(" ")}` };
  };
  return { exec, calls, scratches };
}

/** A repository after `init`: the answers file and the pin manifest for these answers. */
async function initialised(given: PartialAnswers = {}): Promise<string> {
  const root = await tempDir("fd-lock-");
  const answers = answersWith(given);
  for (const [rel, file] of await treeWith(given)) {
    if (!rel.startsWith("deploy/fraiseql/")) continue;
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), file.content);
  }
  await writeFile(path.join(root, "fraiseql-deploy.yaml"), serializeAnswers(answers, "0.0.0-test"));
  await writeFile(path.join(root, "schema.json"), "{}\n");
  return root;
}

/** Every file under the pin folder, relative to the repository root. */
async function pinFiles(root: string): Promise<string[]> {
  const dir = path.join(root, "deploy/fraiseql/server");
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).map((name) => `deploy/fraiseql/server/${name}`).sort();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected a rejection");
  return error;
}

const saved = { PATH: process.env.PATH, FRAISEQL_DEPLOY_TOOLS: process.env.FRAISEQL_DEPLOY_TOOLS };
let bin = "";

/** Puts stand-ins for these tools (and nothing else) on PATH. */
async function onPath(...tools: string[]): Promise<void> {
  for (const tool of tools) {
    await writeFile(path.join(bin, tool), `#!/bin/sh\necho "the test's ${tool} stand-in must not run" >&2\nexit 99\n`);
    await chmod(path.join(bin, tool), 0o755);
  }
}

beforeEach(async () => {
  bin = await tempDir("fd-bin-");
  process.env.PATH = bin;
  process.env.FRAISEQL_DEPLOY_TOOLS = await tempDir("fd-tools-");
});

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("writeLock", () => {
  it("resolves the pin manifest with the machine's cargo and writes Cargo.lock beside it", async () => {
    await onPath("cargo", "docker");
    const root = await initialised();
    const manifest = await readFile(path.join(root, pinManifest), "utf8");
    const tools = fakeTools();

    expect(await writeLock(root, answersWith(), {}, tools.exec)).toBe("2.19.0");

    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
    // Nothing else changed in the folder, and no staged copy was left behind.
    expect(await pinFiles(root)).toEqual([pinLock, pinManifest, "deploy/fraiseql/server/pin.rs", "deploy/fraiseql/server/.gitignore"].sort());
    expect(await readFile(path.join(root, pinManifest), "utf8")).toBe(manifest);
    // cargo ran in a scratch copy of the manifest and pin.rs, which is gone afterwards.
    expect(tools.calls.map((c) => [path.basename(c.file), ...c.args.slice(0, 2)])).toEqual([
      ["cargo", "--version"],
      ["cargo", "generate-lockfile", "--manifest-path"],
    ]);
    const scratch = tools.scratches[0];
    expect(tools.calls[1]?.args[2]).toBe(path.join(scratch?.dir ?? "", "Cargo.toml"));
    expect(Object.keys(scratch?.files ?? {}).sort()).toEqual(["Cargo.toml", "pin.rs"]);
    expect(scratch?.files["Cargo.toml"]).toBe(manifest);
    expect(scratch?.dir.startsWith(root)).toBe(false);
    expect(existsSync(scratch?.dir ?? "")).toBe(false);
  });

  it("replaces an older lock file in one step", async () => {
    await onPath("cargo");
    const root = await initialised();
    await writeFile(path.join(root, pinLock), "# an older lock\n");
    expect(await writeLock(root, answersWith(), {}, fakeTools().exec)).toBe("2.19.0");
    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
    expect((await pinFiles(root)).filter((f) => !/\/(Cargo\.(toml|lock)|pin\.rs|\.gitignore)$/.test(f))).toEqual([]);
  });

  it("a failing cargo is a ToolError with its last lines, and leaves no lock file", async () => {
    await onPath("cargo");
    const root = await initialised();
    const stderr = [...Array.from({ length: 12 }, (_, i) => `    Updating line ${i}`), "error: failed to select a version for the requirement `fraiseql-server = \"=2.19.0\"`", "candidate versions found which didn't match: 2.18.0"].join("\n");
    const tools = fakeTools({ failure: { stderr } });
    const error = await rejection(writeLock(root, answersWith(), {}, tools.exec));
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).exitCode).toBe(ExitCode.tool);
    expect(error.message).toBe(`cargo generate-lockfile failed for ${pinManifest}:`);
    expect((error as ToolError).details).toHaveLength(8);
    expect((error as ToolError).details.at(-1)).toBe("candidate versions found which didn't match: 2.18.0");
    expect(await pinFiles(root)).not.toContain(pinLock);
    expect(existsSync(tools.scratches[0]?.dir ?? "")).toBe(false);
  });

  it("a failing cargo keeps the lock file that was there", async () => {
    await onPath("cargo");
    const root = await initialised();
    await writeFile(path.join(root, pinLock), sampleCargoLock());
    await rejection(writeLock(root, answersWith(), {}, fakeTools({ failure: { stderr: "error: no network" } }).exec));
    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
  });

  it.each<[string, string, string]>([
    ["another fraiseql-server version", sampleCargoLock("2.18.0"), "resolved fraiseql-server to 2.18.0, but server.version is 2.19.0"],
    ["no fraiseql-server at all", 'version = 4\n\n[[package]]\nname = "fraiseql-server-pin"\nversion = "0.0.0"\n', "resolved fraiseql-server to nothing, but server.version is 2.19.0"],
    ["a lock it cannot read", "[[package]\n", "resolved fraiseql-server to nothing"],
  ])("refuses a lock that pins %s, and writes nothing", async (_name, lock, message) => {
    await onPath("cargo");
    const root = await initialised();
    const error = await rejection(writeLock(root, answersWith(), {}, fakeTools({ lock }).exec));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toContain(message);
    expect(error.message).toContain("re-run `fraiseql-deploy init`");
    expect(await pinFiles(root)).not.toContain(pinLock);
  });

  it("in workspace mode there is nothing to lock: a UsageError, and no tool runs", async () => {
    await onPath("cargo");
    const root = await initialised({ "server.source": "workspace" });
    const tools = fakeTools();
    const error = await rejection(writeLock(root, answersWith({ "server.source": "workspace" }), {}, tools.exec));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("server.source is workspace: the workspace's own Cargo.lock pins the build");
    expect(tools.calls).toEqual([]);
  });

  it("without the pin manifest it asks for init first", async () => {
    await onPath("cargo");
    const root = await tempDir("fd-lock-");
    const tools = fakeTools();
    const error = await rejection(writeLock(root, answersWith(), {}, tools.exec));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`${path.join(root, pinManifest)} not found: run \`fraiseql-deploy init\` first`);
    expect(tools.calls).toEqual([]);
  });

  it.each<[string, string[], { docker?: boolean }, string | undefined]>([
    ["no cargo", ["docker"], {}, undefined],
    ["a cargo too old for edition 2024", ["cargo", "docker"], {}, "1.80.0"],
    ["--docker, even with a good cargo", ["cargo", "docker"], { docker: true }, "1.95.0"],
  ])("resolves with cargo in the builder image when there is %s", async (_name, tools, options, cargoVersion) => {
    await onPath(...tools);
    const root = await initialised({ "build.debianRelease": "bookworm" });
    const fake = fakeTools(cargoVersion ? { cargoVersion } : {});
    expect(await writeLock(root, answersWith({ "build.debianRelease": "bookworm" }), options, fake.exec)).toBe("2.19.0");
    const run = fake.calls.find((c) => path.basename(c.file) === "docker");
    const user = typeof process.getuid === "function" ? `${process.getuid()}:${process.getgid?.() ?? 0}` : undefined;
    expect(run?.args).toEqual(dockerGenerateLockfileArgs(fake.scratches[0]?.dir ?? "", "rust:1.95.0-slim-bookworm", user));
    expect(fake.calls.some((c) => c.args[0] === "generate-lockfile")).toBe(false);
    if (options.docker) expect(fake.calls.filter((c) => path.basename(c.file) === "cargo")).toEqual([]);
    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
    expect(existsSync(fake.scratches[0]?.dir ?? "")).toBe(false);
  });

  it("a failing cargo in the builder image names the image", async () => {
    await onPath("docker");
    const root = await initialised();
    const error = await rejection(writeLock(root, answersWith(), {}, fakeTools({ failure: { exitCode: 125, stderr: "Unable to find image 'rust:1.95.0-slim-trixie' locally" } }).exec));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(`cargo generate-lockfile in rust:1.95.0-slim-trixie failed for ${pinManifest}:`);
    expect(await pinFiles(root)).not.toContain(pinLock);
  });

  it.each<[string, string[], string]>([
    ["neither cargo nor docker", [], "writing deploy/fraiseql/server/Cargo.lock needs cargo 1.85.0 or later, or Docker"],
    ["an old cargo and no docker", ["cargo"], "needs cargo 1.85.0 or later (found 1.80.0), or Docker to run cargo in the builder image"],
  ])("says what to install when there is %s", async (_name, tools, message) => {
    await onPath(...tools);
    const root = await initialised();
    const error = await rejection(writeLock(root, answersWith(), {}, fakeTools({ cargoVersion: "1.80.0" }).exec));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toContain(message);
    expect(error.message).toContain("https://rustup.rs");
  });
});

describe("runLock", () => {
  it("reads the saved answers and writes the lock (exit 0)", async () => {
    await onPath("cargo");
    const root = await initialised();
    expect(await runLock(root, {}, fakeTools().exec)).toBe(ExitCode.ok);
    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
  });
});

describe("build writes the lock first", () => {
  const docker = (args: readonly string[]): ExecResult => {
    const command = args.slice(0, 2).join(" ");
    if (command === "buildx inspect") return { ...ok, stdout: "Name: b\nDriver: docker-container\nPlatforms: linux/amd64, linux/arm64\n" };
    return ok;
  };

  it("when the published-server build has no Cargo.lock, before docker buildx build", async () => {
    await onPath("cargo", "docker");
    const root = await initialised();
    const tools = fakeTools({ other: docker });
    expect(await runBuild(root, { platforms: "linux/amd64" }, tools.exec)).toBe(ExitCode.ok);
    expect(await readFile(path.join(root, pinLock), "utf8")).toBe(sampleCargoLock());
    const order = tools.calls.map((c) => c.args.slice(0, 2).join(" "));
    expect(order.indexOf("generate-lockfile --manifest-path")).toBeGreaterThan(order.indexOf("buildx inspect"));
    expect(order.indexOf("generate-lockfile --manifest-path")).toBeLessThan(order.indexOf("buildx build"));
  });

  it.each<[string, PartialAnswers, boolean]>([
    ["a committed lock is used as it is", {}, true],
    ["a workspace build has its own lock", { "server.source": "workspace" }, false],
  ])("not when %s", async (_name, given, withLock) => {
    await onPath("cargo", "docker");
    const root = await initialised(given);
    if (withLock) await writeFile(path.join(root, pinLock), "# committed\n");
    const tools = fakeTools({ other: docker });
    expect(await runBuild(root, { platforms: "linux/amd64" }, tools.exec)).toBe(ExitCode.ok);
    expect(tools.calls.filter((c) => path.basename(c.file) === "cargo")).toEqual([]);
    if (withLock) expect(await readFile(path.join(root, pinLock), "utf8")).toBe("# committed\n");
    expect(tools.calls.map((c) => c.args.slice(0, 2).join(" "))).toContain("buildx build");
  });
});
