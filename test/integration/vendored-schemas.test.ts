/**
 * src/k8s/kubernetes-schemas.json is generated from the kubeconform schemas that
 * scripts/install-tools.sh builds: regenerating it from them must change nothing.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { repoRoot, tempDir, toolsRequired } from "../helpers.js";

// Where scripts/install-tools.sh puts them.
const schemaRoot = path.join(process.env.FRAISEQL_DEPLOY_TOOLS ?? path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools"), "kubernetes-json-schema");
const available = existsSync(schemaRoot);
if (!available) {
  const message = `kubeconform schemas not installed at ${schemaRoot} (bash scripts/install-tools.sh --only kube-schemas)`;
  if (toolsRequired) throw new Error(`CI requires them: ${message}`);
  console.warn(`vendored-schemas: skipped, ${message}`);
}

describe.skipIf(!available)("vendored Kubernetes schemas", () => {
  it("match a fresh generation from the installed kubeconform schemas", async () => {
    const out = path.join(await tempDir("fd-schemas-"), "kubernetes-schemas.json");
    execFileSync(process.execPath, [path.join(repoRoot, "scripts", "vendor-kubernetes-schemas.mjs"), "--from", schemaRoot, "--out", out]);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(path.join(repoRoot, "src", "k8s", "kubernetes-schemas.json"), "utf8"));
  });
});
