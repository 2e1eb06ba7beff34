/** Runs checks in parallel with a limit, turning missing tools and crashes into results. */
import { installHint } from "../tools/registry.js";
import type { Check, CheckResult, VerifyContext } from "./types.js";

export interface RunOptions {
  jobs: number;
  requireTools: boolean;
  onStart?: (check: Check) => void;
  onDone?: (result: CheckResult) => void;
}

export async function runChecks(checks: readonly Check[], ctx: VerifyContext, options: RunOptions): Promise<CheckResult[]> {
  const results = new Array<CheckResult>(checks.length);
  // Longest first: with a job limit, a slow check started last would finish alone at the end.
  const order = checks.map((_, i) => i).sort((a, b) => (checks[b]?.cost ?? 1) - (checks[a]?.cost ?? 1));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const index = order[next++] as number;
      const check = checks[index] as Check;
      options.onStart?.(check);
      const result = await runOne(check, ctx, options.requireTools);
      results[index] = result;
      options.onDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, checks.length)) }, worker));
  return results;
}

async function runOne(check: Check, ctx: VerifyContext, requireTools: boolean): Promise<CheckResult> {
  const started = performance.now();
  const base = { id: check.id, title: check.title };
  const missing = check.tools.filter((t) => !ctx.tools.has(t));
  if (missing.length > 0) {
    const reason = `not installed: ${missing.join(", ")}`;
    const hint = missing.map((t) => `${t}: ${installHint(t)}`).join("; ");
    return { ...base, status: requireTools && !check.optional ? "error" : "skipped", findings: [], durationMs: 0, reason, hint };
  }
  try {
    const findings = await check.run(ctx);
    const failed = findings.some((f) => f.severity === "error");
    return { ...base, status: failed ? "failed" : "passed", findings, durationMs: performance.now() - started };
  } catch (e) {
    return { ...base, status: "error", findings: [], durationMs: performance.now() - started, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Exit status of a run: 0 clean, 1 findings, 2 a required tool missing or crashed. */
export function verdict(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.status === "error")) return 2;
  if (results.some((r) => r.status === "failed")) return 1;
  return 0;
}
