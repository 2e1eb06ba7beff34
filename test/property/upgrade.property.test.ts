/**
 * Properties of upgrade from the previous release (the frozen templates) to today's, on random answers and
 * random user edits, run in memory through the same planning and record code the command uses.
 */
import fc from "fast-check";
import { diffComm } from "node-diff3";
import { describe, expect, it } from "vitest";
import type { PartialAnswers } from "../../src/answers/fields.js";
import type { Answers } from "../../src/answers/types.js";
import { prepareUpgrade } from "../../src/commands/upgrade.js";
import { releaseTemplates, renderTree } from "../../src/generate/tree.js";
import { parseRecord, RECORD_FILE } from "../../src/record/record.js";
import { comparedPaths } from "../../src/record/states.js";
import { planUpgrade } from "../../src/record/upgrade-plan.js";
import { toolVersion } from "../../src/version.js";
import { answersWith } from "../helpers.js";
import { changedBetween, generated } from "../upgrade-helpers.js";
import { answersArb } from "./arbitraries.js";

type Disk = Map<string, string>;

const asDisk = (tree: Map<string, { content: string }>): Disk => new Map([...tree].map(([file, { content }]) => [file, content]));

/** What `upgrade --yes` does to a repository, in memory. */
async function upgrade(disk: Disk, answers: Answers) {
  const templates = await releaseTemplates();
  const tree = await renderTree(answers, toolVersion, templates);
  const recordText = disk.get(RECORD_FILE);
  const record = recordText === undefined ? undefined : parseRecord(recordText);
  const view = new Map<string, string | undefined>([[RECORD_FILE, recordText]]);
  for (const file of comparedPaths(tree, record)) view.set(file, disk.get(file));
  const loaded = { root: "/repo", answers, templates, toolVersion, tree, record, disk: view };
  const steps = planUpgrade(loaded, { restore: false, prune: false });
  const prepared = prepareUpgrade(loaded, steps);
  const after = new Map(disk);
  for (const write of prepared.result.writes) after.set(write.path, write.content);
  for (const file of prepared.result.deletes) after.delete(file);
  if (prepared.recordText !== undefined) after.set(RECORD_FILE, prepared.recordText);
  return { after, steps, prepared };
}

interface Edit {
  /** Index of a line of the previous release's text. */
  line: number;
  kind: "replace" | "insert-after" | "delete";
}

/**
 * The lines of `before` an edit may touch without overlapping the template change from `before` to `after`:
 * unique lines (so the alignment is unambiguous) in a stretch both releases share, not next to a changed line
 * (adjacent changes conflict, as in git). Each maps to its index in `after`.
 */
function editableLines(before: string[], after: string[]): Map<number, number> {
  const counts = new Map<string, number>();
  for (const line of before) counts.set(line, (counts.get(line) ?? 0) + 1);
  const stable = new Map<number, number>();
  const changedNear = new Set<number>();
  let i = 0;
  let j = 0;
  for (const block of diffComm(before, after)) {
    if (block.common) {
      for (const _ of block.common) stable.set(i++, j++);
    } else {
      changedNear.add(i - 1).add(i + block.buffer1.length);
      for (let k = 0; k < block.buffer1.length; k++) changedNear.add(i + k);
      i += block.buffer1.length;
      j += block.buffer2.length;
    }
  }
  return new Map([...stable].filter(([line]) => !changedNear.has(line) && counts.get(before[line] as string) === 1));
}

/** Applies edits to a text's lines; `at` maps each edit's line to where it lands. */
function applyEdits(lines: string[], edits: readonly Edit[], at: (line: number) => number): string[] {
  const out = [...lines];
  const ordered = [...edits].sort((a, b) => at(b.line) - at(a.line));
  for (const [n, edit] of ordered.entries()) {
    const index = at(edit.line);
    const text = `# user edit ${n}: keep this`;
    if (edit.kind === "replace") out[index] = text;
    else if (edit.kind === "insert-after") out.splice(index + 1, 0, text);
    else out.splice(index, 1);
  }
  return out;
}

const previousAndCurrent = async (given: PartialAnswers) => {
  const answers = answersWith(given);
  return { answers, before: await generated(answers, "previous"), now: await generated(answers, "current") };
};

describe("upgrade, as properties", () => {
  it("edits that do not overlap a template change survive byte for byte, and a second upgrade changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, fc.nat(), fc.array(fc.record({ pick: fc.nat(), kind: fc.constantFrom("replace", "insert-after", "delete") }), { minLength: 1, maxLength: 4 }), async (given, filePick, picks) => {
        const { answers, before, now } = await previousAndCurrent(given);
        const changed = changedBetween(before, now).filter((file) => file !== "fraiseql-deploy.yaml");
        expect(changed.length, "the two releases differ").toBeGreaterThan(0);
        const file = changed[filePick % changed.length] as string;
        const baseLines = (before.get(file)?.content ?? "").split("\n");
        const newLines = (now.get(file)?.content ?? "").split("\n");
        const editable = editableLines(baseLines, newLines);
        const candidates = [...editable.keys()];
        fc.pre(candidates.length > 0);
        const edits: Edit[] = [];
        for (const { pick, kind } of picks) {
          const line = candidates[pick % candidates.length] as number;
          // One edit per line; an insertion needs the next line editable too, so both sides agree where it goes.
          if (edits.some((e) => e.line === line) || (kind === "insert-after" && !editable.has(line + 1))) continue;
          edits.push({ line, kind });
        }
        fc.pre(edits.length > 0);

        const disk = asDisk(before);
        disk.set(file, applyEdits(baseLines, edits, (line) => line).join("\n"));
        const { after, steps } = await upgrade(disk, answers);
        expect(steps.find((s) => s.path === file)?.kind).toBe("merge");
        expect(after.get(file)).toBe(applyEdits(newLines, edits, (line) => editable.get(line) as number).join("\n"));
        for (const [other, text] of asDisk(now)) if (other !== file && other !== RECORD_FILE) expect(after.get(other), other).toBe(text);

        const second = await upgrade(after, answers);
        expect(second.prepared.result.writes).toEqual([]);
        expect(second.prepared.recordText).toBeUndefined();
      }),
      { numRuns: 25 },
    );
  });

  it("an edit of a line the templates changed ends in a visible conflict that loses neither side", async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, fc.nat(), fc.nat(), async (given, filePick, linePick) => {
        const { answers, before, now } = await previousAndCurrent(given);
        const changed = changedBetween(before, now).filter((file) => file !== "fraiseql-deploy.yaml");
        const file = changed[filePick % changed.length] as string;
        const baseLines = (before.get(file)?.content ?? "").split("\n");
        const newLines = (now.get(file)?.content ?? "").split("\n");
        // The lines of the previous text the template changed or removed.
        const touched: number[] = [];
        let i = 0;
        for (const block of diffComm(baseLines, newLines)) {
          if (block.common) i += block.common.length;
          else for (const _ of block.buffer1) touched.push(i++);
        }
        fc.pre(touched.length > 0);
        const line = touched[linePick % touched.length] as number;
        const mine = "# mine: this line is the user's";
        const disk = asDisk(before);
        disk.set(file, baseLines.map((text, index) => (index === line ? mine : text)).join("\n"));

        const { after, steps } = await upgrade(disk, answers);
        expect(steps.find((s) => s.path === file)?.kind).toBe("conflict");
        const merged = after.get(file) ?? "";
        expect(merged).toMatch(/^<<<<<<< yours \(on disk\)$[^]*^\|{7} generated before$[^]*^=======$[^]*^>>>>>>> generated now$/m);
        expect(merged).toContain(mine);
        // Every line of the new version is there too.
        const mergedLines = new Set(merged.split("\n"));
        for (const text of newLines) expect(mergedLines.has(text), text).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("upgrade of an unedited tree, answers changed or not, is what a fresh init writes", async () => {
    await fc.assert(
      fc.asyncProperty(answersArb, fc.option(answersArb, { nil: undefined }), async (given, changedTo) => {
        const { before } = await previousAndCurrent(given);
        const answers = answersWith(changedTo ?? given);
        const { after } = await upgrade(asDisk(before), answers);
        const fresh = asDisk(await generated(answers, "current"));
        // Files the new answers no longer generate are kept (and reported): the rest is exactly a fresh init.
        const kept = [...after.keys()].filter((file) => !fresh.has(file));
        for (const file of kept) expect(before.has(file), file).toBe(true);
        for (const file of kept) after.delete(file);
        if (kept.length > 0) {
          // The record keeps them too, until they are deleted; otherwise it is a fresh init's record.
          const recorded = parseRecord(after.get(RECORD_FILE) ?? "");
          const freshRecord = parseRecord(fresh.get(RECORD_FILE) ?? "");
          expect([...recorded.files].filter(([file]) => !kept.includes(file))).toEqual([...freshRecord.files]);
          expect(recorded.answers).toEqual(freshRecord.answers);
          after.delete(RECORD_FILE);
          fresh.delete(RECORD_FILE);
        }
        expect(after).toEqual(fresh);
      }),
      { numRuns: 20 },
    );
  });
});
