import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "tsup";
import { templateModuleSource } from "./src/generate/template-bundle.js";

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
  // Bundled CommonJS code may call require() for Node built-ins; give ESM chunks a real one.
  banner: { js: 'const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);' },
  // Templates are compiled to plain functions at build time (see src/generate/template-compiler.ts).
  onSuccess: async () => {
    const { source, count } = templateModuleSource(path.resolve("templates"));
    writeFileSync(path.resolve("dist", "templates.js"), source);
    console.log(`compiled ${count} templates into dist/templates.js`);
    // Read at run time next to the chunk that validates (src/k8s/schema.ts).
    copyFileSync(path.resolve("src", "k8s", "kubernetes-schemas.json"), path.resolve("dist", "kubernetes-schemas.json"));
  },
  esbuildPlugins: [
    {
      name: "commander-lazy-child-process",
      setup(build) {
        // tsup marks built-ins external before user plugins resolve, so rewrite commander's require instead.
        build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
          const source = readFileSync(args.path, "utf8");
          const patched = source.replace(/require\(['"](node:)?child_process['"]\)/, `require(${JSON.stringify(path.resolve("src/shims/lazy-child-process.cjs"))})`);
          if (patched === source) throw new Error("commander no longer requires child_process where expected: update tsup.config.ts");
          return { contents: patched, loader: "js", resolveDir: path.dirname(args.path) };
        });
      },
    },
  ],
  // Only tests and runs from source compile templates at run time; the package never imports Handlebars.
  external: ["handlebars"],
  // Bundled: loading them through Node's module resolution (and commander through the CommonJS loader)
  // showed up in every start-up, --help included.
  noExternal: ["js-yaml", "smol-toml", "commander"],
});
