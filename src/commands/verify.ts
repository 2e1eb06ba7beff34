/** `fraiseql-deploy verify [dir]`: built-in checks plus the real tools, one report. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadSavedAnswers } from "../answers/file.js";
import { builtinChecks } from "../checks/builtin.js";
import { runChecks, verdict } from "../checks/runner.js";
import type { Check, CheckResult, VerifyContext } from "../checks/types.js";
import { UsageError } from "../errors.js";
import { renderTree } from "../generate/tree.js";
import { exec } from "../tools/exec.js";
import { discoverTools } from "../tools/registry.js";
import { renderReport, type ReportFormat } from "../ui/reporters.js";
import { toolVersion } from "../version.js";
import { toolConcurrencyEnv } from "../checks/concurrency.js";
import { writeOut } from "../ui/output.js";

export interface VerifyOptions {
  format?: ReportFormat;
  output?: string;
  requireTools?: boolean;
  only?: string;
  skip?: string;
  image?: string;
  jobs?: string;
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  createNamespace?: boolean;
}

export async function allChecks(): Promise<Check[]> {
  const { toolChecks } = await import("../checks/tool-checks.js");
  const { clusterCheck } = await import("../checks/cluster.js");
  return [...builtinChecks, ...toolChecks, clusterCheck];
}

function selectChecks(checks: Check[], only?: string, skip?: string): Check[] {
  const ids = new Set(checks.map((c) => c.id));
  const parse = (flag: string, value?: string): Set<string> | undefined => {
    if (value === undefined) return undefined;
    const wanted = new Set(value.split(",").map((s) => s.trim()).filter(Boolean));
    const unknown = [...wanted].filter((id) => !ids.has(id));
    if (unknown.length > 0) throw new UsageError(`${flag}: unknown check id(s) ${unknown.join(", ")}; known: ${[...ids].join(", ")}`);
    return wanted;
  };
  const onlySet = parse("--only", only);
  const skipSet = parse("--skip", skip);
  return checks.filter((c) => (!onlySet || onlySet.has(c.id)) && !skipSet?.has(c.id));
}

export async function loadVerifyContext(root: string, scratch: string, image?: string): Promise<Omit<VerifyContext, "tools">> {
  const answers = await loadSavedAnswers(root);
  // The answers say which files init generated; verify reads what is on disk now.
  const tree = await renderTree(answers, toolVersion);
  const files = new Map<string, string>();
  for (const rel of tree.keys()) {
    try {
      files.set(rel, await readFile(path.join(root, rel), "utf8"));
    } catch {
      // A generated file the user removed is not verified; the report lists what was read.
    }
  }
  return { root, answers, files, scratch, ...(image ? { image } : {}) };
}

/** --kubeconfig and --context name a cluster, so they imply --cluster; --create-namespace needs one. */
function clusterOption(options: VerifyOptions): Pick<VerifyContext, "cluster"> {
  const wanted = options.cluster === true || options.kubeconfig !== undefined || options.context !== undefined;
  if (!wanted) {
    if (options.createNamespace) throw new UsageError("--create-namespace: only with --cluster (it creates the namespace the dry runs need)");
    return {};
  }
  return {
    cluster: {
      target: { ...(options.kubeconfig ? { kubeconfig: path.resolve(options.kubeconfig) } : {}), ...(options.context ? { context: options.context } : {}) },
      createNamespace: options.createNamespace === true,
    },
  };
}

export async function runVerify(dir: string | undefined, options: VerifyOptions): Promise<number> {
  const root = path.resolve(dir ?? ".");
  const format = options.format ?? "text";
  const jobs = Number(options.jobs ?? 4);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${options.jobs}: must be a positive whole number`);
  const checks = selectChecks(await allChecks(), options.only, options.skip);
  const scratch = await mkdtemp(path.join(os.tmpdir(), "fraiseql-verify-"));
  try {
    const base = { ...(await loadVerifyContext(root, scratch, options.image)), ...clusterOption(options) };
    const applicable = checks.filter((c) => !c.applies || c.applies({ ...base, tools: new Map() }));
    const tools = await discoverTools(exec, [...new Set(applicable.flatMap((c) => c.tools))], { versions: false });
    const ctx: VerifyContext = { ...base, tools, toolEnv: toolConcurrencyEnv(jobs, os.availableParallelism(), process.env) };
    const live = format === "text" && !options.output ? process.stderr : undefined;
    const results: CheckResult[] = await runChecks(applicable, ctx, {
      jobs,
      requireTools: Boolean(options.requireTools),
      onDone: (r) => live?.write(`${statusMark(r.status)} ${r.id} (${(r.durationMs / 1000).toFixed(1)}s)${r.reason ? `: ${r.reason}` : ""}\n`),
    });
    const report = renderReport(format, results, toolVersion);
    if (options.output) await writeFile(options.output, report);
    else writeOut(report);
    return verdict(results);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const statusMark = (s: CheckResult["status"]): string => ({ passed: "✓", failed: "✗", skipped: "-", error: "!" })[s];
