/**
 * `fraiseql-deploy lock [dir]`: writes deploy/fraiseql/server/Cargo.lock, the lock file that makes the image
 * build of the published fraiseql-server reproducible (every dependency at the version resolved today).
 *
 * Why a lock file of our own: the published crate's Cargo.lock cannot be used (for 2.19.0 it pins
 * fraiseql-cli 2.18.0, so `cargo install --locked` fails), and without any lock every build resolves again.
 * The machine's cargo does the resolving when it is new enough; otherwise cargo in the builder image does,
 * so teams without a Rust toolchain get the same file.
 */
import { mkdtemp, readFile, rename, rm, copyFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadSavedAnswers } from "../answers/file.js";
import type { Answers } from "../answers/types.js";
import { ExitCode, ToolError, UsageError } from "../errors.js";
import { buildContext, containerPaths } from "../generate/context.js";
import { compareVersions } from "../server/releases.js";
import { dockerGenerateLockfileArgs, generateLockfileArgs, lockedVersion, parseCargoVersion } from "../tools/cargo.js";
import { exec as realExec, type Exec } from "../tools/exec.js";
import { findExecutable } from "../tools/registry.js";
import { toolVersion } from "../version.js";
import { writeErr } from "../ui/output.js";

/** edition = "2024" in the pin manifest needs cargo 1.85 or later. */
const minimumCargo = "1.85.0";
export const pinManifest = `${containerPaths.pinDir}/Cargo.toml`;
export const pinLock = `${containerPaths.pinDir}/Cargo.lock`;

export interface LockOptions {
  /** Use cargo in the builder image even when the machine has cargo. */
  docker?: boolean;
}

/** Resolves with the machine's cargo, or in the builder image; returns the lock file's text. */
async function resolveLock(scratch: string, answers: Answers, options: LockOptions, exec: Exec): Promise<string> {
  const cargo = options.docker ? undefined : await findExecutable("cargo");
  const cargoVersion = cargo ? parseCargoVersion((await exec(cargo, ["--version"], { timeoutMs: 30_000 })).stdout) : undefined;
  if (cargo && cargoVersion && compareVersions(cargoVersion, minimumCargo) >= 0) {
    const run = await exec(cargo, generateLockfileArgs(scratch), { timeoutMs: 600_000 });
    if (run.exitCode !== 0) throw new ToolError(`cargo generate-lockfile failed for ${pinManifest}:`, tail(run.stderr));
  } else {
    const docker = await findExecutable("docker");
    if (!docker) {
      throw new ToolError(
        `writing ${pinLock} needs cargo ${minimumCargo} or later${cargoVersion ? ` (found ${cargoVersion})` : ""}, or Docker to run cargo in the builder image; install Rust (https://rustup.rs) or Docker`,
      );
    }
    const image = buildContext(answers, toolVersion).derived.builderImage;
    const user = typeof process.getuid === "function" ? `${process.getuid()}:${process.getgid?.() ?? 0}` : undefined;
    const run = await exec(docker, dockerGenerateLockfileArgs(scratch, image, user), { timeoutMs: 900_000 });
    if (run.exitCode !== 0) throw new ToolError(`cargo generate-lockfile in ${image} failed for ${pinManifest}:`, tail(run.stderr));
  }
  return readFile(path.join(scratch, "Cargo.lock"), "utf8");
}

const tail = (text: string): string[] => text.trim().split("\n").slice(-8);

/** Writes the lock file; returns the version of fraiseql-server it pins. */
export async function writeLock(root: string, answers: Answers, options: LockOptions = {}, exec: Exec = realExec): Promise<string> {
  if (answers.server.source !== "crates") {
    throw new UsageError(`server.source is ${answers.server.source}: the workspace's own Cargo.lock pins the build, so there is no ${pinLock} to write`);
  }
  let manifest: string;
  try {
    manifest = await readFile(path.join(root, pinManifest), "utf8");
  } catch {
    throw new UsageError(`${path.join(root, pinManifest)} not found: run \`fraiseql-deploy init\` first`);
  }
  const scratch = await mkdtemp(path.join(os.tmpdir(), "fraiseql-lock-"));
  try {
    await writeFile(path.join(scratch, "Cargo.toml"), manifest);
    await copyFile(path.join(root, containerPaths.pinDir, "pin.rs"), path.join(scratch, "pin.rs")).catch(() => writeFile(path.join(scratch, "pin.rs"), ""));
    const lock = await resolveLock(scratch, answers, options, exec);
    const pinned = lockedVersion(lock, "fraiseql-server");
    if (pinned !== answers.server.version) {
      throw new ToolError(`${pinManifest} resolved fraiseql-server to ${pinned ?? "nothing"}, but server.version is ${answers.server.version}; re-run \`fraiseql-deploy init\` so the manifest matches the answers`);
    }
    // Written beside the target and renamed over it: a failure never leaves half a lock file.
    const target = path.join(root, pinLock);
    const staged = `${target}.fraiseql-deploy-tmp`;
    await writeFile(staged, lock);
    try {
      await rename(staged, target);
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
    return pinned;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function runLock(dir: string | undefined, options: LockOptions, exec: Exec = realExec): Promise<number> {
  const root = path.resolve(dir ?? ".");
  const answers = await loadSavedAnswers(root);
  const version = await writeLock(root, answers, options, exec);
  writeErr(`wrote ${pinLock} (fraiseql-server ${version} and every dependency pinned); commit it with ${pinManifest}\n`);
  return ExitCode.ok;
}
