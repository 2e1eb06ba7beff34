/**
 * Three-way merge of one file: base is what fraiseql-deploy generated last time, ours the file on disk
 * (the user's edits), theirs what it generates now. The merge itself is node-diff3's; here are only the
 * line splitting, the line endings and the marker labels.
 */
import { diff3Merge, mergeDiff3 } from "node-diff3";
import { lineEndingsOf, toLf, withLineEndings } from "./line-endings.js";

export interface MergeOutcome {
  /** The merged text, in the line endings of `ours`; conflicting regions are between markers. */
  text: string;
  /** How many regions both sides changed differently (0: a clean merge). */
  conflicts: number;
}

export const conflictLabels = { ours: "yours (on disk)", base: "generated before", theirs: "generated now" } as const;

const lines = (text: string): string[] => text.split("\n");

/** Conflicts are written diff3-style (with the base section), so the user sees what each side changed. */
export function mergeThreeWay(base: string, ours: string, theirs: string): MergeOutcome {
  const endings = lineEndingsOf(ours);
  const [o, a, b] = [lines(toLf(base)), lines(toLf(ours)), lines(toLf(theirs))];
  // mergeDiff3 says only whether there were conflicts; the count (for the messages) takes a second pass.
  const conflicts = diff3Merge(a, o, b).filter((region) => region.conflict).length;
  const { result } = mergeDiff3(a, o, b, { label: { a: conflictLabels.ours, o: conflictLabels.base, b: conflictLabels.theirs } });
  return { text: withLineEndings(result.join("\n"), endings), conflicts };
}

/**
 * The merge with every overlapping region settled for `theirs`: for fraiseql-deploy.yaml, where the new
 * text already holds every answer the user gave (it was resolved from the file on disk and --set), so the
 * merge only carries the user's comments and layout over. `replaced` lists the lines of `ours` that a
 * settled region dropped, for upgrade to print: nothing goes silently.
 */
export function mergePreferTheirs(base: string, ours: string, theirs: string): { text: string; replaced: string[] } {
  const endings = lineEndingsOf(ours);
  const [o, a, b] = [lines(toLf(base)), lines(toLf(ours)), lines(toLf(theirs))];
  const regions = diff3Merge(a, o, b);
  const merged = regions.flatMap((region) => region.ok ?? region.conflict?.b ?? []);
  const replaced = regions.flatMap((region) => (region.conflict ? region.conflict.a.filter((line) => !region.conflict?.b.includes(line)) : []));
  return { text: withLineEndings(merged.join("\n"), endings), replaced };
}

const markerLine = /^(<{7}|={7}|>{7})( |$)/;

/** Whether a file still holds the markers of a conflict upgrade wrote (all three kinds, in order). */
export function hasConflictMarkers(text: string): boolean {
  let expect = 0;
  for (const line of toLf(text).split("\n")) {
    const match = markerLine.exec(line);
    if (!match) continue;
    const kind = "<=>".indexOf(match[1]?.[0] ?? "");
    if (kind === expect) expect++;
    if (expect === 3) return true;
  }
  return false;
}
