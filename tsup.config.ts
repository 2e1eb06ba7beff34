import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

// One entry: the CLI wiring. Each command is a dynamic import, so tsup splits
// it (and its heavy dependencies) into a chunk that `--help` never loads.
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: true,
  clean: true,
  sourcemap: false,
  dts: false,
  define: { __TOOL_VERSION__: JSON.stringify(version) },
});
