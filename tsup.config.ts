import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { defineConfig } from "tsup";
import { templateModuleSource } from "./src/generate/template-bundle.js";

const require = createRequire(import.meta.url);
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
  // Bundled: each is hundreds of tiny modules (or many files) whose resolution dominated
  // \`init\`'s run time. Everything else stays an ordinary dependency.
  // Bundled CommonJS code calls require() for Node built-ins (punycode); give ESM chunks a real one.
  banner: { js: 'import { createRequire as __fdCreateRequire } from "node:module"; const require = __fdCreateRequire(import.meta.url);' },
  esbuildPlugins: [
    {
      name: "ajv-i18n-english-only",
      setup(build) {
        build.onResolve({ filter: /^ajv-i18n$/ }, () => ({ path: path.resolve("src/k8s/shims/ajv-i18n-en.cjs") }));
        // The validators' hostname formats require Node's deprecated built-in punycode, which prints a
        // DeprecationWarning on every run under Node 22+; bundle the userland package instead.
        build.onResolve({ filter: /^punycode$/ }, () => ({ path: require.resolve("punycode/") }));
      },
    },
  ],
  // Templates are compiled to plain functions at build time (see src/generate/template-compiler.ts).
  onSuccess: async () => {
    const { source, count } = templateModuleSource(path.resolve("templates"));
    writeFileSync(path.resolve("dist", "templates.js"), source);
    console.log(`compiled ${count} templates into dist/templates.js`);
  },
  noExternal: [/^kubernetes-models/, /^@kubernetes-models\//, "js-yaml", "smol-toml"],
});
