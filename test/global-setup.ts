/** Builds dist/ once before any test runs: CLI, integration and e2e tests run the built binary. */
import { execSync } from "node:child_process";
import path from "node:path";

export default function setup(): void {
  execSync("npm run build --silent", { cwd: path.resolve(import.meta.dirname, ".."), stdio: "inherit" });
}
