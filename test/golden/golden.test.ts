/**
 * Golden copies of generated trees. After an intended template change, run
 * `npm run golden:update` and review the diff of test/golden/trees/ like code.
 */
import { describe, expect, it } from "vitest";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PartialAnswers } from "../../src/answers/fields.js";
import { maximalAnswers, treeWith } from "../helpers.js";

const cases: Record<string, PartialAnswers> = {
  // An application repository: the published server, pinned, and schema.json compiled in the image.
  default: {},
  maximal: maximalAnswers,
  // A Cargo workspace that builds its own fraiseql-server package, with the compiled schema committed.
  workspace: { "server.source": "workspace", "schema.compile": false },
};

const update = process.env.UPDATE_GOLDEN === "1";
const goldenRoot = path.join(import.meta.dirname, "trees");

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/")).sort();
  } catch {
    return [];
  }
}

describe.each(Object.entries(cases))("golden tree: %s", (name, answers) => {
  it("matches test/golden/trees/" + name, async () => {
    const tree = await treeWith(answers);
    const dir = path.join(goldenRoot, name);
    if (update) {
      await rm(dir, { recursive: true, force: true });
      for (const [rel, file] of tree) {
        await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
        await writeFile(path.join(dir, rel), file.content);
      }
    }
    expect(await listFiles(dir), "file list (run npm run golden:update after an intended change)").toEqual([...tree.keys()]);
    for (const [rel, file] of tree) {
      expect(file.content, rel).toBe(await readFile(path.join(dir, rel), "utf8"));
    }
  });
});
