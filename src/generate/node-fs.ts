/**
 * The real file system behind the writer's FileSystem interface. Synchronous calls on
 * purpose: init stats, reads and writes ~50 small files, and the thread-pool round trip
 * of each fs/promises call cost ~25 ms in all, against ~3 ms this way. The interface
 * stays async so tests can pass memfs and inject failures.
 */
import { fs } from "../builtins.js";
import type { FileSystem } from "./fs.js";

export const nodeFileSystem: FileSystem = {
  stat: async (p) => fs.statSync(p),
  readFile: async (p, encoding) => fs.readFileSync(p, encoding),
  writeFile: async (p, data, options) => fs.writeFileSync(p, data, options),
  mkdir: async (p, options) => fs.mkdirSync(p, options),
  rename: async (from, to) => fs.renameSync(from, to),
  rm: async (p, options) => {
    // The staging folder is empty after a successful commit: rmdir avoids loading the recursive remover.
    try {
      fs.rmdirSync(p);
    } catch {
      fs.rmSync(p, options);
    }
  },
  chmod: async (p, mode) => fs.chmodSync(p, mode),
};
