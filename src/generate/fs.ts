/** The subset of node:fs/promises the writer uses, so tests can pass memfs. */
import type { Stats } from "node:fs";

export interface FileSystem {
  stat(p: string): Promise<Pick<Stats, "isFile" | "isDirectory">>;
  readFile(p: string, encoding: "utf8"): Promise<string>;
  writeFile(p: string, data: string, options: { mode: number }): Promise<void>;
  mkdir(p: string, options: { recursive: true }): Promise<string | undefined>;
  rename(from: string, to: string): Promise<void>;
  rm(p: string, options: { recursive: true; force: true }): Promise<void>;
  chmod(p: string, mode: number): Promise<void>;
}
