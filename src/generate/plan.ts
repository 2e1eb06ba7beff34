/**
 * Compares a rendered tree with what is on disk. Identical files are not
 * changes, so re-running init with the same answers is a no-op.
 */
import path from "node:path";
import type { Tree } from "./tree.js";
import type { FileSystem } from "./fs.js";

export type FileStatus = "create" | "identical" | "conflict";

export interface PlannedFile {
  path: string;
  status: FileStatus;
  content: string;
  mode: number;
  /** What is on disk now, for conflicts (to show a diff). */
  existing?: string;
}

export async function planTree(tree: Tree, root: string, fs: FileSystem): Promise<PlannedFile[]> {
  return Promise.all(
    [...tree].map(async ([rel, file]): Promise<PlannedFile> => {
      const target = path.join(root, rel);
      let existing: string | undefined;
      try {
        const stat = await fs.stat(target);
        if (!stat.isFile()) return { path: rel, status: "conflict", content: file.content, mode: file.mode, existing: "" };
        existing = await fs.readFile(target, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      if (existing === undefined) return { path: rel, status: "create", content: file.content, mode: file.mode };
      return { path: rel, status: existing === file.content ? "identical" : "conflict", content: file.content, mode: file.mode, existing };
    }),
  );
}

/** What to do with each conflicting file. */
export type Resolution = "overwrite" | "skip";
