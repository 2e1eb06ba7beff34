/**
 * Writes the planned files in one step. Every file is first written to a
 * staging folder inside the target (same filesystem, so renames are atomic);
 * only when all of them are staged are they renamed into place. An error or
 * Ctrl-C before that point removes the staging folder and leaves the
 * repository exactly as it was; once renaming starts, interrupts are held off
 * until it ends (it takes milliseconds).
 */
import path from "node:path";
import type { FileSystem } from "./fs.js";
import type { PlannedFile, Resolution } from "./plan.js";
import { AbortedError } from "../errors.js";

export interface CommitResult {
  written: string[];
  skipped: string[];
  unchanged: string[];
  deleted: string[];
}

export interface CommitOptions {
  resolutions: ReadonlyMap<string, Resolution>;
  /** Checked between files while staging; throwing aborts with nothing written. */
  checkInterrupted?: () => void;
  /** Repository-relative files to delete in the same step (upgrade --prune): moved into the staging folder with the renames. */
  deletions?: readonly string[];
}

export async function commitPlan(plan: readonly PlannedFile[], root: string, fs: FileSystem, options: CommitOptions): Promise<CommitResult> {
  const result: CommitResult = { written: [], skipped: [], unchanged: [], deleted: [] };
  const deletions = options.deletions ?? [];
  const toWrite: PlannedFile[] = [];
  for (const file of plan) {
    if (file.status === "identical") result.unchanged.push(file.path);
    else if (file.status === "conflict" && options.resolutions.get(file.path) !== "overwrite") result.skipped.push(file.path);
    else toWrite.push(file);
  }
  if (toWrite.length === 0 && deletions.length === 0) return result;

  // Folders this run creates, removed again if it fails before the renames.
  const createdDirs: string[] = [];
  await makeDir(fs, root, createdDirs);
  let renamed = false;
  // Unique per run; not a secret, so no need for node:crypto (slow to load).
  const staging = path.join(root, `.fraiseql-deploy-staging-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    // Staged files are flat (one folder, numbered), so they can be written in parallel.
    await fs.mkdir(staging, { recursive: true });
    // allSettled, not all: every write must have finished before the staging folder is removed.
    const staged = await Promise.allSettled(
      toWrite.map(async (file, index) => {
        options.checkInterrupted?.();
        const target = path.join(staging, String(index));
        await fs.writeFile(target, file.content, { mode: file.mode });
        // Scripts must be executable whatever the umask; other files get the usual umask-filtered 0644.
        if (file.mode & 0o111) await fs.chmod(target, file.mode);
      }),
    );
    const failure = staged.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failure) throw failure.reason;
    options.checkInterrupted?.();
    // Create every parent folder before the first rename, so a failure here also leaves no file behind.
    const parents = [...new Set(toWrite.map((file) => path.dirname(path.join(root, file.path))))].sort();
    for (const dir of parents) await makeDir(fs, dir, createdDirs);
    options.checkInterrupted?.();
    const release = holdInterrupts();
    renamed = true;
    try {
      for (const [index, file] of toWrite.entries()) {
        await fs.rename(path.join(staging, String(index)), path.join(root, file.path));
        result.written.push(file.path);
      }
      for (const [index, file] of deletions.entries()) {
        await fs.rename(path.join(root, file), path.join(staging, `deleted-${index}`));
        result.deleted.push(file);
      }
    } finally {
      release();
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    if (!renamed) for (const dir of createdDirs.reverse()) await fs.rm(dir, { recursive: true, force: true });
  }
  return result;
}

/** commitPlan, aborted with nothing written when SIGINT or SIGTERM arrives before the renames. */
export async function commitUnlessInterrupted(plan: readonly PlannedFile[], root: string, fs: FileSystem, options: Omit<CommitOptions, "checkInterrupted">): Promise<CommitResult> {
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await commitPlan(plan, root, fs, {
      ...options,
      checkInterrupted: () => {
        if (interrupted) throw new AbortedError("interrupted; nothing was written");
      },
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** mkdir -p that records the top-most folder it created (fs.mkdir's return value differs between implementations). */
async function makeDir(fs: FileSystem, dir: string, created: string[]): Promise<void> {
  let top: string | undefined;
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      await fs.stat(current);
      break;
    } catch {
      top = current;
    }
    if (path.dirname(current) === current) break;
  }
  await fs.mkdir(dir, { recursive: true });
  if (top) created.push(top);
}

/** Ignores SIGINT/SIGTERM for the few milliseconds the renames take. */
function holdInterrupts(): () => void {
  let pending: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals): void => {
    pending = signal;
  };
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
  return () => {
    process.off("SIGINT", hold);
    process.off("SIGTERM", hold);
    if (pending) process.kill(process.pid, pending);
  };
}
