/**
 * `fraiseql-deploy upgrade [dir]`: brings the generated files up to today's templates and answers without
 * losing an edit. Everything is decided and checked in memory first, then written in one step.
 */
import path from "node:path";
import { flatten } from "../answers/resolve.js";
import { ExitCode, MergeCheckError, UnresolvedError } from "../errors.js";
import { checkTree } from "../generate/check.js";
import { commitUnlessInterrupted } from "../generate/commit.js";
import type { FileSystem } from "../generate/fs.js";
import { nodeFileSystem } from "../generate/node-fs.js";
import type { PlannedFile } from "../generate/plan.js";
import { checkSchemaPresent } from "../generate/preconditions.js";
import { loadTree, type AnswerOverrides, type LoadedTree } from "../record/load.js";
import { hasConflictMarkers } from "../record/merge.js";
import { buildRecord, RECORD_FILE, serializeRecord } from "../record/record.js";
import { finishUpgrade, planUpgrade, writtenTree, type Decision, type UpgradeResult, type UpgradeStep } from "../record/upgrade-plan.js";
import { unifiedDiff } from "../ui/diff.js";
import { isTerminal, useColor, writeOut } from "../ui/output.js";
import { askAboutFile, inquirerPrompter, type Prompter } from "../ui/prompter.js";

export interface UpgradeCommandOptions extends AnswerOverrides {
  dryRun?: boolean;
  restore?: boolean;
  prune?: boolean;
  /** Never ask: conflicts get markers, untracked files are kept. */
  yes?: boolean;
}

export interface UpgradeEnvironment {
  fs: FileSystem;
  prompter: Prompter;
  interactive: boolean;
  color: boolean;
  out: (line: string) => void;
}

export function defaultUpgradeEnvironment(): UpgradeEnvironment {
  return {
    fs: nodeFileSystem,
    prompter: inquirerPrompter(),
    interactive: isTerminal(0) && isTerminal(1),
    color: useColor(1),
    out: (line) => writeOut(`${line}\n`),
  };
}

/** The whole upgrade decided in memory: the steps, what they write and the record that follows. */
export interface PreparedUpgrade {
  loaded: LoadedTree;
  steps: UpgradeStep[];
  result: UpgradeResult;
  /** The record's new text, or undefined when it does not change. */
  recordText: string | undefined;
}

export async function loadAndPlan(root: string, options: UpgradeCommandOptions): Promise<{ loaded: LoadedTree; steps: UpgradeStep[] }> {
  const loaded = await loadTree(root, options);
  checkSchemaPresent(root, loaded.answers);
  const steps = planUpgrade(loaded, { restore: options.restore === true, prune: options.prune === true });
  return { loaded, steps };
}

export function prepareUpgrade(loaded: LoadedTree, steps: UpgradeStep[], decisions: ReadonlyMap<string, Decision> = new Map()): PreparedUpgrade {
  const result = finishUpgrade(steps, loaded.record, decisions);
  const record = buildRecord({
    toolVersion: loaded.toolVersion,
    templates: loaded.templates.fingerprint,
    answers: flatten(loaded.answers),
    base: result.recordBase,
    ...(loaded.record ? { previous: loaded.record } : {}),
  });
  const recordText = serializeRecord(record);
  return { loaded, steps, result, recordText: recordText === loaded.disk.get(RECORD_FILE) ? undefined : recordText };
}

/** Files still holding markers from the last upgrade that would change again: merging into them would nest markers. */
function refuseBlocked(steps: readonly UpgradeStep[]): void {
  const blocked = steps.filter((step) => step.kind === "blocked").map((step) => step.path);
  if (blocked.length > 0) {
    throw new UnresolvedError(
      "these files still hold conflict markers from an earlier upgrade, and the new version changes them again; resolve the markers (keep the lines you want, delete the <<<<<<< ||||||| ======= >>>>>>> lines), then run upgrade again. Nothing was written:",
      blocked,
    );
  }
}

/** The merged files must pass the checks init runs (parse, Kubernetes schemas), except those left with markers on purpose. */
function checkMerged(prepared: PreparedUpgrade): void {
  const written = writtenTree(prepared.result, prepared.loaded.tree);
  for (const [file, content] of written) if (hasConflictMarkers(content.content)) written.delete(file);
  const problems = checkTree(written, prepared.loaded.answers.kubernetes.version);
  if (problems.length > 0) throw new MergeCheckError(problems.map((p) => `${p.path}: ${p.message}`));
}

export async function runUpgrade(dirArg: string | undefined, options: UpgradeCommandOptions, env: UpgradeEnvironment = defaultUpgradeEnvironment()): Promise<number> {
  const root = path.resolve(dirArg ?? ".");
  const { loaded, steps } = await loadAndPlan(root, options);
  refuseBlocked(steps);
  const decisions = env.interactive && !options.yes && !options.dryRun ? await decide(steps, env) : new Map<string, Decision>();
  const prepared = prepareUpgrade(loaded, steps, decisions);
  checkMerged(prepared);

  const lines = describe(steps, decisions, options.dryRun === true);
  if (options.dryRun) {
    env.out(`dry run: nothing written. upgrade would do this in ${root}:`);
    for (const line of lines) env.out(line);
    return ExitCode.ok;
  }
  const plan: PlannedFile[] = prepared.result.writes.map((write) => ({ path: write.path, status: "create", content: write.content, mode: write.mode }));
  if (prepared.recordText !== undefined) plan.push({ path: RECORD_FILE, status: "create", content: prepared.recordText, mode: 0o644 });
  const committed = await commitUnlessInterrupted(plan, root, env.fs, { resolutions: new Map(), deletions: prepared.result.deletes });
  env.out(`fraiseql-deploy upgrade: ${committed.written.filter((f) => f !== RECORD_FILE).length} file(s) written${committed.deleted.length ? `, ${committed.deleted.length} deleted` : ""} in ${root}`);
  for (const line of lines) env.out(line);
  const unresolved = steps.filter(
    (step) => step.state === "conflicted" || (step.kind === "conflict" && (decisions.get(step.path) ?? "markers") === "markers") || (step.kind === "untracked" && !decisions.has(step.path)),
  );
  if (unresolved.length > 0) {
    env.out("");
    env.out("Some files need you (listed above): resolve the conflict markers, or decide about the untracked files; `fraiseql-deploy status` lists what is left.");
    return ExitCode.unresolved;
  }
  return ExitCode.ok;
}

/** Asks, per conflicting or untracked file, what to do; a diff is one choice away. */
async function decide(steps: readonly UpgradeStep[], env: UpgradeEnvironment): Promise<Map<string, Decision>> {
  const decisions = new Map<string, Decision>();
  for (const step of steps) {
    if (step.kind !== "conflict" && step.kind !== "untracked") continue;
    const merged = step.kind === "conflict";
    const choice = await askAboutFile<Decision | "leave">(
      env.prompter,
      merged
        ? {
            message: `${step.path}: your edits and the new version change the same lines (${step.conflicts} place(s)). What should upgrade do?`,
            choices: [
              { value: "markers", name: "write both, between conflict markers (resolve them in your editor)" },
              { value: "mine", name: "keep my file as it is (the new changes to this file are dropped)" },
              { value: "theirs", name: "take the new version (my edits to this file are replaced)" },
              { value: "diff", name: "show the merge with its conflicts" },
              { value: "abort", name: "abort (write nothing)" },
            ],
            default: "markers",
          }
        : {
            message: `${step.path} exists, was not written by a recorded fraiseql-deploy run, and differs from what it generates. What should upgrade do?`,
            choices: [
              { value: "leave", name: "leave it alone, untracked (ask again next time)" },
              { value: "mine", name: "keep my file and track it (later upgrades merge their changes into it)" },
              { value: "theirs", name: "replace it with the generated file" },
              { value: "diff", name: "show the difference" },
              { value: "abort", name: "abort (write nothing)" },
            ],
            default: "leave",
          },
      () => {
        const after = merged ? (step.after ?? "") : (step.generated?.content ?? "");
        env.out(unifiedDiff(step.before ?? "", after, { from: `${step.path} (yours)`, to: `${step.path} (${merged ? "merged" : "generated"})`, color: env.color }));
      },
    );
    if (choice !== "leave") decisions.set(step.path, choice);
  }
  return decisions;
}

/** One line per file upgrade touches or leaves for the user; quiet about files it has nothing to do with. */
export function describe(steps: readonly UpgradeStep[], decisions: ReadonlyMap<string, Decision>, dryRun: boolean): string[] {
  const lines: string[] = [];
  const line = (label: string, file: string, note = ""): void => {
    lines.push(`  ${label.padEnd(12)} ${file}${note ? `  (${note})` : ""}`);
  };
  for (const step of steps) {
    const decision = decisions.get(step.path);
    switch (step.kind) {
      case "update":
        line("updated", step.path, "you had not changed it");
        break;
      case "merge":
        line("merged", step.path, "your edits kept");
        if (step.replaced) {
          lines.push("               these lines of yours overlapped changed answers and were replaced:");
          for (const replaced of step.replaced) lines.push(`                 ${replaced}`);
        }
        break;
      case "conflict":
        if (decision === "mine") line("kept yours", step.path, "you chose it over the new version");
        else if (decision === "theirs") line("replaced", step.path, "you chose the new version");
        else line("CONFLICT", step.path, `${step.conflicts} overlapping change(s) ${dryRun ? "would be written" : "written"} between <<<<<<< and >>>>>>> markers`);
        break;
      case "add":
        line("added", step.path, "new");
        break;
      case "restore":
        line("restored", step.path, "--restore");
        break;
      case "stay-deleted":
        if (step.generated && step.state === "deleted") line("not restored", step.path, "you deleted it; upgrade --restore brings it back");
        break;
      case "prune":
        line("deleted", step.path, "no longer generated, and unchanged since");
        break;
      case "keep-obsolete":
        line("kept", step.path, "no longer generated; delete it if unused, or upgrade --prune when unchanged");
        break;
      case "none":
        if (step.state === "conflicted") line("CONFLICT", step.path, "still holds conflict markers: resolve them");
        break;
      case "untracked":
        if (decision === "theirs") line("replaced", step.path, "you chose the generated file");
        else if (decision === "mine") line("tracked", step.path, "kept yours; later upgrades merge into it");
        else line("untracked", step.path, "kept yours; it differs from the generated file: see `fraiseql-deploy diff`");
        break;
      case "blocked":
        break;
    }
  }
  return lines;
}
