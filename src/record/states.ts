/**
 * Where each file stands: the record (what was generated last time), the tree generated now and the file on
 * disk, compared by digest. Pure: the commands read the disk, this only compares.
 */
import { sha256Hex } from "../generate/hash.js";
import type { Tree } from "../generate/tree.js";
import { lineEndingsOf, toLf, type LineEndings } from "./line-endings.js";
import { hasConflictMarkers } from "./merge.js";
import { isRecorded, type GenerationRecord } from "./record.js";

export type FileState =
  /** As generated, and generating now gives the same. */
  | "pristine"
  /** Changed by the user; generating now gives what was generated before. */
  | "edited"
  /** Not changed by the user; the templates or the answers now give something else. */
  | "outdated"
  /** Both: upgrade merges the two. */
  | "edited-outdated"
  /** Generated before and removed by the user: it stays removed unless asked. */
  | "deleted"
  /** Generated now, never before, and not on disk (a new template, or an answer that turns it on). */
  | "missing"
  /** Holds conflict markers from an upgrade, not yet resolved. */
  | "conflicted"
  /** On disk and generated now, but not by a recorded run, and different: whose it is needs a decision. */
  | "untracked"
  /** Generated before, not any more, and still on disk. */
  | "obsolete";

export interface FileStatus {
  path: string;
  state: FileState;
  /** The file's line endings on disk (a change of line endings alone is not an edit). */
  lineEndings?: LineEndings;
  /** For obsolete files: whether the user changed it since it was generated (upgrade --prune keeps those). */
  edited?: boolean;
}

/** The states `status` reports as drift: upgrade would change the file, or it waits for the user. */
export const driftStates: ReadonlySet<FileState> = new Set<FileState>(["outdated", "edited-outdated", "missing", "conflicted", "untracked"]);

export interface Comparison {
  /** What fraiseql-deploy generates now (the record file itself left out). */
  tree: Tree;
  record: GenerationRecord | undefined;
  /** The text on disk of every path in either (and of the record itself), undefined when absent. */
  disk: ReadonlyMap<string, string | undefined>;
}

/** Every path in the tree or the record, sorted. */
export function comparedPaths(tree: Tree, record: GenerationRecord | undefined): string[] {
  return [...new Set([...tree.keys(), ...(record?.files.keys() ?? [])])].filter(isRecorded).sort();
}

export function fileStates({ tree, record, disk }: Comparison): FileStatus[] {
  const statuses: FileStatus[] = [];
  for (const path of comparedPaths(tree, record)) {
    const onDisk = disk.get(path);
    const generated = tree.get(path)?.content;
    const recorded = record?.files.get(path)?.sha256;
    if (onDisk === undefined) {
      if (generated === undefined) continue;
      statuses.push({ path, state: recorded === undefined ? "missing" : "deleted" });
      continue;
    }
    const lineEndings = lineEndingsOf(onDisk);
    const text = toLf(onDisk);
    const status = (state: FileState, edited?: boolean): FileStatus => ({ path, state, lineEndings, ...(edited === undefined ? {} : { edited }) });
    if (generated === undefined) {
      statuses.push(status("obsolete", sha256Hex(text) !== recorded));
    } else if (recorded === undefined) {
      statuses.push(status(text === generated ? "pristine" : "untracked"));
    } else if (text === generated) {
      // Edited to what is generated now (or outdated and already updated by hand): nothing to do.
      statuses.push(status("pristine"));
    } else if (hasConflictMarkers(text) && !hasConflictMarkers(generated)) {
      statuses.push(status("conflicted"));
    } else {
      const edited = sha256Hex(text) !== recorded;
      const outdated = sha256Hex(generated) !== recorded;
      statuses.push(status(edited ? (outdated ? "edited-outdated" : "edited") : outdated ? "outdated" : "pristine"));
    }
  }
  return statuses;
}
