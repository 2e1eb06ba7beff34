import { describe, expect, it } from "vitest";
import type { Tree } from "../../../src/generate/tree.js";
import { buildRecord, type GenerationRecord } from "../../../src/record/record.js";
import { driftStates, fileStates, type FileState } from "../../../src/record/states.js";
import { finishUpgrade, planUpgrade, type StepKind } from "../../../src/record/upgrade-plan.js";

const file = (content: string) => ({ content, mode: 0o644 });
const BASE = "a\nb\nc\nd\ne\n";
const NEW = "a\nb\nc\nd\nE\n";
const EDIT = "A\nb\nc\nd\ne\n";

/** One file in every situation: what was recorded, what is generated now, what is on disk. */
const situations: { name: string; recorded?: string; now?: string; disk?: string; state?: FileState; kind?: StepKind; after?: string }[] = [
  { name: "untouched, unchanged", recorded: BASE, now: BASE, disk: BASE, state: "pristine", kind: "none" },
  { name: "edited", recorded: BASE, now: BASE, disk: EDIT, state: "edited", kind: "none" },
  { name: "outdated", recorded: BASE, now: NEW, disk: BASE, state: "outdated", kind: "update", after: NEW },
  { name: "edited and outdated", recorded: BASE, now: NEW, disk: EDIT, state: "edited-outdated", kind: "merge", after: "A\nb\nc\nd\nE\n" },
  { name: "edited like the new version", recorded: BASE, now: NEW, disk: NEW, state: "pristine", kind: "none" },
  { name: "edited where the new version changes", recorded: BASE, now: NEW, disk: "a\nb\nc\nd\nX\n", state: "edited-outdated", kind: "conflict" },
  { name: "CRLF only", recorded: BASE, now: BASE, disk: BASE.replaceAll("\n", "\r\n"), state: "pristine", kind: "none" },
  { name: "CRLF and outdated", recorded: BASE, now: NEW, disk: BASE.replaceAll("\n", "\r\n"), state: "outdated", kind: "update", after: NEW.replaceAll("\n", "\r\n") },
  { name: "deleted by the user", recorded: BASE, now: NEW, state: "deleted", kind: "stay-deleted" },
  { name: "new template", now: NEW, state: "missing", kind: "add", after: NEW },
  { name: "the user's own file where a new one goes", now: NEW, disk: EDIT, state: "untracked", kind: "untracked" },
  { name: "the same file, not recorded", now: NEW, disk: NEW, state: "pristine", kind: "none" },
  { name: "no longer generated", recorded: BASE, disk: BASE, state: "obsolete", kind: "keep-obsolete" },
  { name: "no longer generated, deleted too", recorded: BASE },
  { name: "conflict markers left, no new change", recorded: BASE, now: BASE, disk: "<<<<<<< y\nx\n=======\ny\n>>>>>>> z\n", state: "conflicted", kind: "none" },
  { name: "conflict markers left, a new change", recorded: BASE, now: NEW, disk: "<<<<<<< y\nx\n=======\ny\n>>>>>>> z\n", state: "conflicted", kind: "blocked" },
];

function comparison(s: (typeof situations)[number]): { tree: Tree; record: GenerationRecord; disk: Map<string, string | undefined> } {
  const tree: Tree = new Map(s.now === undefined ? [] : [["f.yaml", file(s.now)]]);
  const record = buildRecord({ toolVersion: "1", templates: "t", answers: {}, base: new Map(s.recorded === undefined ? [] : [["f.yaml", file(s.recorded)]]) });
  return { tree, record, disk: new Map([["f.yaml", s.disk]]) };
}

describe("file states and upgrade steps", () => {
  it.each(situations.map((s) => [s.name, s] as const))("%s", (_name, s) => {
    const input = comparison(s);
    const states = fileStates(input);
    expect(states.map((x) => x.state)).toEqual(s.state ? [s.state] : []);
    const steps = planUpgrade(input, { restore: false, prune: false });
    expect(steps.map((x) => x.kind)).toEqual(s.kind ? [s.kind] : []);
    if (s.after !== undefined) expect(steps[0]?.after).toBe(s.after);
  });

  it("reports CRLF files and whether an obsolete file was edited", () => {
    const crlf = fileStates(comparison(situations[6] as (typeof situations)[number]));
    expect(crlf[0]?.lineEndings).toBe("crlf");
    const edited = fileStates({ tree: new Map(), record: buildRecord({ toolVersion: "1", templates: "t", answers: {}, base: new Map([["f.yaml", file(BASE)]]) }), disk: new Map([["f.yaml", EDIT]]) });
    expect(edited[0]).toMatchObject({ state: "obsolete", edited: true });
  });

  it("counts as drift exactly what upgrade would change or what waits for the user", () => {
    expect([...driftStates].sort()).toEqual(["conflicted", "edited-outdated", "missing", "outdated", "untracked"]);
  });

  it("restores deleted files and prunes unedited obsolete ones only when asked", () => {
    const deleted = comparison(situations[8] as (typeof situations)[number]);
    expect(planUpgrade(deleted, { restore: true, prune: false })[0]).toMatchObject({ kind: "restore", after: NEW });
    const obsolete = comparison(situations[12] as (typeof situations)[number]);
    expect(planUpgrade(obsolete, { restore: false, prune: true })[0]?.kind).toBe("prune");
    const editedObsolete = { ...obsolete, disk: new Map([["f.yaml", EDIT]]) };
    expect(planUpgrade(editedObsolete, { restore: false, prune: true })[0]?.kind).toBe("keep-obsolete");
  });
});

describe("finishing an upgrade: decisions, writes and the next record's base", () => {
  const conflict = comparison(situations[5] as (typeof situations)[number]);
  const steps = planUpgrade(conflict, { restore: false, prune: false });

  it("writes the markers by default and records the new text as the base", () => {
    const result = finishUpgrade(steps, conflict.record);
    expect(result.writes).toHaveLength(1);
    expect(result.writes[0]?.content).toContain("<<<<<<< yours (on disk)");
    expect(result.recordBase.get("f.yaml")?.content).toBe(NEW);
  });

  it.each([
    ["mine", []],
    ["theirs", [NEW]],
  ] as const)("%s: writes %j", (decision, writes) => {
    const result = finishUpgrade(steps, conflict.record, new Map([["f.yaml", decision]]));
    expect(result.writes.map((w) => w.content)).toEqual(writes);
    expect(result.recordBase.get("f.yaml")?.content).toBe(NEW);
  });

  it("leaves an untracked file alone and out of the record unless the user decides", () => {
    const untracked = comparison(situations[10] as (typeof situations)[number]);
    const untrackedSteps = planUpgrade(untracked, { restore: false, prune: false });
    expect(finishUpgrade(untrackedSteps, untracked.record)).toMatchObject({ writes: [], deletes: [] });
    expect(finishUpgrade(untrackedSteps, untracked.record).recordBase.has("f.yaml")).toBe(false);
    expect(finishUpgrade(untrackedSteps, untracked.record, new Map([["f.yaml", "mine"]])).recordBase.get("f.yaml")?.content).toBe(NEW);
    expect(finishUpgrade(untrackedSteps, untracked.record, new Map([["f.yaml", "theirs"]])).writes[0]?.content).toBe(NEW);
  });

  it("keeps obsolete files in the record with their last generated text, and deletes pruned ones", () => {
    const obsolete = comparison(situations[12] as (typeof situations)[number]);
    expect(finishUpgrade(planUpgrade(obsolete, { restore: false, prune: false }), obsolete.record).recordBase.get("f.yaml")?.content).toBe(BASE);
    const pruned = finishUpgrade(planUpgrade(obsolete, { restore: false, prune: true }), obsolete.record);
    expect(pruned.deletes).toEqual(["f.yaml"]);
    expect(pruned.recordBase.has("f.yaml")).toBe(false);
  });
});
