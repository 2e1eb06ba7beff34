/**
 * "The previous release" for the upgrade tests: the frozen templates in test/fixtures/previous-release,
 * rendered and recorded the way that release's init writes a repository.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { flatten } from "../src/answers/resolve.js";
import type { Answers } from "../src/answers/types.js";
import { loadTemplateDir, releaseTemplates, renderTree, type TemplateSet, type Tree } from "../src/generate/tree.js";
import { buildRecord, RECORD_FILE, serializeRecord } from "../src/record/record.js";
import { toolVersion } from "../src/version.js";

export const PREVIOUS_VERSION = "0.0.9";
const previousDir = path.join(import.meta.dirname, "fixtures", "previous-release", "templates");

let previous: Promise<TemplateSet> | undefined;
export function previousTemplates(): Promise<TemplateSet> {
  previous ??= loadTemplateDir(previousDir);
  return previous;
}

/** The files a release writes for these answers: its tree and its record. */
export async function generated(answers: Answers, release: "previous" | "current"): Promise<Tree> {
  const templates = release === "previous" ? await previousTemplates() : await releaseTemplates();
  const version = release === "previous" ? PREVIOUS_VERSION : toolVersion;
  const tree = await renderTree(answers, version, templates);
  const record = buildRecord({ toolVersion: version, templates: templates.fingerprint, answers: flatten(answers), base: tree });
  return new Map([...tree, [RECORD_FILE, { content: serializeRecord(record), mode: 0o644 }]]);
}

export async function writeFiles(root: string, files: Iterable<[string, { content: string; mode: number }]>): Promise<void> {
  for (const [file, { content, mode }] of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content, { mode });
  }
}

/** Every file under root (relative POSIX path -> text), for before/after comparisons. */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
  files.sort();
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(path.join(root, file), "utf8")] as const)));
}

/** The paths whose text differs between two releases' trees for the same answers. */
export function changedBetween(before: Tree, after: Tree): string[] {
  return [...after.keys()].filter((file) => file !== RECORD_FILE && before.has(file) && before.get(file)?.content !== after.get(file)?.content);
}
