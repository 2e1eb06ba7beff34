#!/usr/bin/env node
import module from "node:module";

// The compile cache (Node 22.1+) makes every later start faster; older Nodes lack it.
module.enableCompileCache?.();

const { main, watchStreams, exitNow } = await import("../dist/cli.js");
watchStreams();
await exitNow(await main(process.argv));
