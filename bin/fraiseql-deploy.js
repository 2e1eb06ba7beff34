#!/usr/bin/env node
import module from "node:module";

// The compile cache (Node 22.1+) makes every later start faster; older Nodes lack it.
module.enableCompileCache?.();

// Output piped into a reader that stops early (`fraiseql-deploy --help | head`): exit quietly, like other CLIs.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv);
