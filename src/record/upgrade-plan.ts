/**
 * What `upgrade` does to each file, decided from its state: pristine files take the new text, edited ones
 * are merged three ways, deleted ones stay deleted, new ones are added, files no longer generated are kept
 * and reported. Pure, like states.ts: `diff` shows this plan and `upgrade` carries it out.
 */
import { ANSWERS_FILE } from "../answers/resolve.js";
import type { GeneratedFile, Tree } from "../generate/tree.js";
import { lineEndingsOf, withLineEndings } from "./line-endings.js";
import { mergePreferTheirs, mergeThreeWay } from "./merge.js";
import type { GenerationRecord } from "./record.js";
import { fileStates, type Comparison, type FileState } from "./states.js";

export type StepKind =
  /** Unchanged by the user: the new text replaces it. */
  | "update"
  /** Changed by both: merged without overlap. */
  | "merge"
  /** Changed by both in the same lines: written with conflict markers unless the user decides. */
  | "conflict"
  /** Generated for the first time. */
  | "add"
  /** Deleted by the user, brought back on request (--restore). */
  | "restore"
  /** Deleted by the user: stays deleted. */
  | "stay-deleted"
  /** No longer generated and unchanged since: deleted on request (--prune). */
  | "prune"
  /** No longer generated: kept. */
  | "keep-obsolete"
  /** On disk, not from a recorded run, and different from the generated text: kept unless the user decides. */
  | "untracked"
  /** Still holds the markers of an earlier conflict, and would change again. */
  | "blocked"
  /** Nothing to write. */
  | "none";

export interface UpgradeStep {
  path: string;
  state: FileState;
  kind: StepKind;
  /** The file on disk now. */
  before?: string;
  /** What upgrade writes when the user decides nothing (for a conflict: the text with markers). */
  after?: string;
  /** The generated text now, for the "take the new version" choice. */
  generated?: GeneratedFile;
  conflicts?: number;
  /** fraiseql-deploy.yaml only: lines of yours that changed answers replaced. */
  replaced?: string[];
}

export interface UpgradeOptions {
  /** Bring back the files the user deleted. */
  restore: boolean;
  /** Delete the files no longer generated that the user did not change. */
  prune: boolean;
}

export function planUpgrade(comparison: Comparison, options: UpgradeOptions): UpgradeStep[] {
  const { tree, record, disk } = comparison;
  return fileStates(comparison).map((status): UpgradeStep => {
    const { path, state } = status;
    const before = disk.get(path);
    const generated = tree.get(path);
    const step = { path, state, ...(before === undefined ? {} : { before }), ...(generated ? { generated } : {}) };
    const inEndings = (text: string): string => withLineEndings(text, before === undefined ? "lf" : lineEndingsOf(before));
    switch (state) {
      case "pristine":
      case "edited":
        return { ...step, kind: "none" };
      case "outdated":
        return { ...step, kind: "update", after: inEndings(generated?.content ?? "") };
      case "edited-outdated":
        return merged(step, baseText(record, path), before ?? "", generated?.content ?? "");
      case "missing":
        return { ...step, kind: "add", after: generated?.content ?? "" };
      case "deleted":
        return options.restore ? { ...step, kind: "restore", after: generated?.content ?? "" } : { ...step, kind: "stay-deleted" };
      case "obsolete":
        return options.prune && !status.edited ? { ...step, kind: "prune" } : { ...step, kind: "keep-obsolete" };
      case "untracked":
        return { ...step, kind: "untracked" };
      case "conflicted":
        // Unchanged since the conflict was written: the user's resolution is all that is left to do.
        return { ...step, kind: record && generatedChanged(record, path, generated) ? "blocked" : "none" };
    }
  });
}

function baseText(record: GenerationRecord | undefined, path: string): string {
  return record?.base().get(path) ?? "";
}

function generatedChanged(record: GenerationRecord, path: string, generated: GeneratedFile | undefined): boolean {
  return generated !== undefined && record.base().get(path) !== generated.content;
}

function merged(step: Omit<UpgradeStep, "kind">, base: string, ours: string, theirs: string): UpgradeStep {
  if (step.path === ANSWERS_FILE) {
    const { text, replaced } = mergePreferTheirs(base, ours, theirs);
    return { ...step, kind: "merge", after: text, ...(replaced.length ? { replaced } : {}) };
  }
  const { text, conflicts } = mergeThreeWay(base, ours, theirs);
  return conflicts === 0 ? { ...step, kind: "merge", after: text } : { ...step, kind: "conflict", after: text, conflicts };
}

/** The user's choice for a conflict (markers: write them; mine: keep the file; theirs: the new text) or an untracked file. */
export type Decision = "markers" | "mine" | "theirs";

export interface UpgradeResult {
  writes: { path: string; content: string; mode: number }[];
  deletes: string[];
  /** The base of the next upgrade: see buildRecord. */
  recordBase: Map<string, GeneratedFile>;
}

/**
 * Applies the decisions (default: markers for conflicts, mine for untracked files) and says what to write,
 * what to delete and what the record keeps. A file kept as the user's after a conflict is recorded against
 * the new text: the user has seen the change and chose. An untracked file kept without a decision stays
 * untracked.
 */
export function finishUpgrade(steps: readonly UpgradeStep[], record: GenerationRecord | undefined, decisions: ReadonlyMap<string, Decision> = new Map()): UpgradeResult {
  const result: UpgradeResult = { writes: [], deletes: [], recordBase: new Map() };
  for (const step of steps) {
    const { path, generated } = step;
    const decision = decisions.get(path);
    if (step.kind === "prune") {
      result.deletes.push(path);
      continue;
    }
    if (step.kind === "keep-obsolete") {
      const entry = record?.files.get(path);
      if (entry) result.recordBase.set(path, { content: baseText(record, path), mode: entry.mode });
      continue;
    }
    if (step.kind === "blocked") {
      // Its earlier base stays: once resolved, the next upgrade merges the newer change into it.
      const entry = record?.files.get(path);
      if (entry) result.recordBase.set(path, { content: baseText(record, path), mode: entry.mode });
      continue;
    }
    if (!generated) continue;
    if (step.kind === "untracked" && decision === undefined) continue;
    result.recordBase.set(path, generated);
    const write = (content: string): void => {
      if (content !== step.before) result.writes.push({ path, content, mode: generated.mode });
    };
    if (step.kind === "conflict" || step.kind === "untracked") {
      if (decision === "theirs") write(withLineEndings(generated.content, step.before === undefined ? "lf" : lineEndingsOf(step.before)));
      else if (decision !== "mine" && step.after !== undefined) write(step.after);
    } else if (step.after !== undefined) {
      write(step.after);
    }
  }
  return result;
}

/** The tree as it will be after the upgrade, for the in-memory checks: only the files it writes. */
export function writtenTree(result: UpgradeResult, tree: Tree): Tree {
  return new Map(result.writes.map((write) => [write.path, { content: write.content.replaceAll("\r\n", "\n"), mode: tree.get(write.path)?.mode ?? write.mode }]));
}
