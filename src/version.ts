/** The package version, injected by tsup at build time; read from package.json when running from source. */

declare const __TOOL_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __TOOL_VERSION__ === "string") return __TOOL_VERSION__;
  const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);
  return (require("../package.json") as { version: string }).version;
}

export const toolVersion = readVersion();
