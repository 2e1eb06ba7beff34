/**
 * Node built-ins for the modules on the `init` and `--help` paths, taken with
 * process.getBuiltinModule (Node 20.16+) instead of `import ... from "node:fs"`.
 * For an ES module import Node first builds a facade that reads every export once,
 * and reading fs.ReadStream alone loads all of Node's stream modules: ~5 ms of a
 * start-up that must stay within 1.5x of a bare `node` (measured on Node 24).
 */
export const fs = process.getBuiltinModule("node:fs");
export const fsPromises = process.getBuiltinModule("node:fs/promises");
export const url = process.getBuiltinModule("node:url");
