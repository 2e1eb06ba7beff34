/**
 * The default tree and a matrix of answer sets pass every check with zero
 * findings, with the real tools required (CI) or those installed (locally).
 */
import { describe, expect, it } from "vitest";
import { cp } from "node:fs/promises";
import path from "node:path";
import { maximalAnswers, repoRoot, runCli, tempDir, toolsRequired } from "../helpers.js";

// An application repository (schema.json, SQL, the lock file `fraiseql-deploy lock` writes), and a Cargo
// workspace that builds fraiseql-server itself.
const appFixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");
const workspaceFixture = path.join(repoRoot, "test", "fixtures", "fraiseql-workspace");

const asSets = (answers: Record<string, unknown>): string[] =>
  Object.entries(answers).flatMap(([k, v]) => ["--set", `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`]);

const matrix: Record<string, string[]> = {
  default: [],
  maximal: asSets({ ...maximalAnswers, "app.description": "Acme GraphQL API" }),
  "standard profile, Kubernetes 1.29, schema from a Secret": ["--set", "profile=standard", "--set", "kubernetes.version=1.29", "--set", "schema.source=secret"],
  "Kubernetes 1.24 (PodSecurityPolicy), bookworm, metrics off": ["--set", "kubernetes.version=1.24", "--set", "build.debianRelease=bookworm", "--set", "metrics.enabled=false"],
  "ingress with TLS, autoscaling, network policy off": ["--set", "ingress.enabled=true", "--set", "ingress.host=api.example.org", "--set", "autoscaling.enabled=true", "--set", "networkPolicy.enabled=false"],
  "a Cargo workspace that builds fraiseql-server (workspace mode)": [],
};


describe("verify passes generated trees", () => {
  it.each(Object.entries(matrix))("%s: zero findings", async (name, sets) => {
    const dir = await tempDir("fd-clean-");
    const workspace = name.includes("workspace mode");
    await cp(workspace ? workspaceFixture : appFixture, dir, { recursive: true, filter: (src) => path.basename(src) !== "target" });
    const init = runCli(["init", "--yes", ...sets, dir]);
    expect(init.code, init.stderr).toBe(0);
    const args = ["verify", "--format", "json", "--skip", "trivy-image", dir];
    if (toolsRequired) args.push("--require-tools");
    const result = runCli(args);
    const report = JSON.parse(result.stdout || "{}") as { checks?: { id: string; status: string; reason?: string; findings: unknown[] }[] };
    const notClean = (report.checks ?? []).filter((c) => c.findings.length > 0 || c.status === "failed" || c.status === "error");
    expect(notClean, JSON.stringify(notClean, null, 2)).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    const skipped = (report.checks ?? []).filter((c) => c.status === "skipped");
    if (skipped.length > 0) console.warn(`verify-clean: tools not installed, checks skipped: ${skipped.map((c) => `${c.id} (${c.reason ?? ""})`).join(", ")}`);
  }, 600_000);
});
