import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/runner.js";
import type { Check, VerifyContext } from "../../src/checks/types.js";
import { answersWith } from "../helpers.js";

const ctx: VerifyContext = { root: "/r", answers: answersWith(), files: new Map(), tools: new Map([["helm3", { name: "helm3", path: "/bin/helm" }]]), scratch: "/tmp" };

const check = (id: string, extra: Partial<Check> = {}, delayMs = 0): Check => ({
  id,
  title: id,
  tools: [],
  run: async () => {
    await new Promise((r) => setTimeout(r, delayMs));
    return [];
  },
  ...extra,
});

describe("check runner", () => {
  it("reports results in declared order, starting expensive checks first, within the job limit", async () => {
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    const tracked = (id: string, cost: number): Check =>
      check(id, {
        cost,
        run: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          return [];
        },
      });
    const checks = [tracked("cheap", 1), tracked("slow", 10), tracked("medium", 5), tracked("cheap2", 1)];
    const results = await runChecks(checks, ctx, { jobs: 2, requireTools: false, onStart: (c) => started.push(c.id) });
    expect(results.map((r) => r.id)).toEqual(["cheap", "slow", "medium", "cheap2"]);
    expect(started.slice(0, 2)).toEqual(["slow", "medium"]);
    expect(peak).toBe(2);
  });

  it("skips a check whose tool is missing, or fails it with --require-tools unless it is optional", async () => {
    const checks = [check("needs-kubeconform", { tools: ["kubeconform"] }), check("optional", { tools: ["checkov"], optional: true }), check("has-helm", { tools: ["helm3"] })];
    const relaxed = await runChecks(checks, ctx, { jobs: 4, requireTools: false });
    expect(relaxed.map((r) => r.status)).toEqual(["skipped", "skipped", "passed"]);
    expect(relaxed[0]?.hint).toContain("go install github.com/yannh/kubeconform");
    const strict = await runChecks(checks, ctx, { jobs: 4, requireTools: true });
    expect(strict.map((r) => r.status)).toEqual(["error", "skipped", "passed"]);
  });

  it("turns a crashing check into status error with its message", async () => {
    const [result] = await runChecks([check("boom", { run: () => Promise.reject(new Error("kube-score crashed: exit 3")) })], ctx, { jobs: 1, requireTools: false });
    expect(result).toMatchObject({ status: "error", reason: "kube-score crashed: exit 3" });
  });
});
