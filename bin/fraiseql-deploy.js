#!/usr/bin/env node
// The compile cache (Node 22.1+) makes every later start faster; older Nodes lack it.
// (process.getBuiltinModule, not `import`: see src/builtins.ts.)
process.getBuiltinModule("node:module").enableCompileCache?.();

const { main, watchStreams, exitNow } = await import("../dist/cli.js");
watchStreams();
await exitNow(await main(process.argv));
