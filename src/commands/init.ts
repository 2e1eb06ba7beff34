/** `fraiseql-deploy init [dir]`: ask, render in memory, check, then write in one step. */
import path from "node:path";
import { fs } from "../builtins.js";
import { nodeFileSystem } from "../generate/node-fs.js";
import { detectProject } from "../answers/detect.js";
import { parseAnswersText, readAnswersFileIfPresent } from "../answers/file.js";
import { ANSWERS_FILE, missingRequired, parseSetFlagsLenient, resolveAnswers } from "../answers/resolve.js";
import type { PartialAnswers } from "../answers/fields.js";
import { runWizard } from "../answers/wizard.js";
import type { DetectedCluster } from "../answers/cluster-version.js";
import { DEFAULT_KUBERNETES_VERSION } from "../answers/fields.js";
import { checkSchemaPresent } from "../generate/preconditions.js";
import { ConflictError, InternalCheckError, UsageError } from "../errors.js";
import { checkTree } from "../generate/check.js";
import { commitUnlessInterrupted, type CommitResult } from "../generate/commit.js";
import type { FileSystem } from "../generate/fs.js";
import { planTree, type PlannedFile, type Resolution } from "../generate/plan.js";
import { releaseTemplates, renderTree, type GeneratedFile, type Tree } from "../generate/tree.js";
import { askAboutFile, inquirerPrompter, type Prompter } from "../ui/prompter.js";
import { unifiedDiff } from "../ui/diff.js";
import { toolVersion } from "../version.js";
import { flatten } from "../answers/resolve.js";
import { buildRecord, parseRecord, RECORD_FILE, serializeRecord, type GenerationRecord } from "../record/record.js";
import { isTerminal, useColor, writeOut } from "../ui/output.js";

export interface InitOptions {
  yes?: boolean;
  config?: string;
  set?: string[];
  force?: boolean;
  skipExisting?: boolean;
  dryRun?: boolean;
  detectCluster?: boolean;
}

export interface InitEnvironment {
  fs: FileSystem;
  prompter: Prompter;
  interactive: boolean;
  /** Whether diffs shown at the conflict prompt are colored. */
  color: boolean;
  out: (line: string) => void;
  /** The cluster in the current kube context, if one answers (see cluster-version.ts). */
  detectCluster: () => Promise<DetectedCluster | undefined>;
}

export function defaultEnvironment(): InitEnvironment {
  return {
    fs: nodeFileSystem,
    prompter: inquirerPrompter(),
    // Asked of the descriptors: creating process.stdin just to read isTTY loads Node's stream modules.
    interactive: isTerminal(0) && isTerminal(1),
    color: useColor(1),
    out: (line) => writeOut(`${line}\n`),
    detectCluster: async () => {
      const [{ detectClusterVersion }, { exec }] = await Promise.all([import("../answers/cluster-version.js"), import("../tools/exec.js")]);
      return detectClusterVersion(exec);
    },
  };
}

/** The repository root must be a folder (or not exist yet: init creates it). */
function checkRoot(root: string, dirArg: string): void {
  try {
    if (!fs.statSync(root).isDirectory()) throw new UsageError(`${dirArg}: is a file; init writes into a folder, the root of your repository`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

export async function runInit(dirArg: string | undefined, options: InitOptions, env: InitEnvironment = defaultEnvironment()): Promise<CommitResult | undefined> {
  if (options.force && options.skipExisting) throw new UsageError("--force and --skip-existing cannot be used together");
  const root = path.resolve(dirArg ?? ".");
  checkRoot(root, dirArg ?? ".");
  const facts = await detectProject(root);

  const savedText = readAnswersFileIfPresent(path.join(root, ANSWERS_FILE), ANSWERS_FILE);
  const saved = savedText === undefined ? {} : parseAnswersText(savedText, ANSWERS_FILE);
  let fromFile: PartialAnswers = {};
  if (options.config) {
    const text = readAnswersFileIfPresent(path.resolve(options.config), options.config);
    if (text === undefined) throw new UsageError(`--config ${options.config}: file not found`);
    fromFile = parseAnswersText(text, options.config);
  }
  const { values: sets, problems: setProblems } = parseSetFlagsLenient(options.set ?? []);
  const base = { ...saved, ...fromFile };
  const interactive = env.interactive && !options.yes && !options.config;
  // The wizard looks at the current kube context; scripts only when asked (--yes never reaches out by itself).
  if (interactive || options.detectCluster) {
    const cluster = await env.detectCluster();
    if (cluster) {
      facts.clusterVersion = cluster.target;
      env.out(`The cluster in your current kube context runs Kubernetes ${cluster.serverVersion}: kubernetes.version defaults to ${cluster.target}.`);
    } else if (options.detectCluster) {
      env.out(`No cluster answered in the current kube context (kubectl version, 3 s): kubernetes.version defaults to ${DEFAULT_KUBERNETES_VERSION}.`);
    }
  }

  let given: PartialAnswers;
  if (interactive) {
    given = { ...base, ...(await runWizard(env.prompter, base, sets, facts)), ...sets };
  } else {
    given = { ...base, ...sets };
    if (!options.yes && savedText === undefined) {
      const missing = missingRequired(given, facts);
      if (missing.length > 0) {
        throw new UsageError(
          "no terminal to ask on, and these answers are missing; give them with --config FILE or --set key=value, or accept every default with --yes:",
          missing,
        );
      }
    }
  }
  const source = [options.config ?? (savedText !== undefined ? ANSWERS_FILE : "defaults"), ...(options.set?.length ? ["--set"] : [])].join(" + ");
  const answers = resolveAnswers(given, facts, source, setProblems);
  checkSchemaPresent(root, answers);

  const tree = await renderTree(answers, toolVersion);
  const problems = checkTree(tree, answers.kubernetes.version);
  if (problems.length > 0) {
    throw new InternalCheckError(
      "the generated files failed their own checks; nothing was written (this is a fraiseql-deploy bug, please report it):",
      problems.map((p) => `${p.path}: ${p.message}`),
    );
  }

  const plan = await planTree(tree, root, env.fs);
  const previous = await readPreviousRecord(root, env.fs);
  // The answers file was our input: writing the updated answers back is the point of the run.
  const resolutions = new Map<string, Resolution>();
  if (savedText !== undefined) resolutions.set(ANSWERS_FILE, "overwrite");
  const conflicts = plan.filter((f) => f.status === "conflict" && !resolutions.has(f.path));
  if (conflicts.length > 0) await resolveConflicts(conflicts, resolutions, options, interactive, env, previous !== undefined);

  const record = buildRecord({
    toolVersion,
    templates: (await releaseTemplates()).fingerprint,
    answers: flatten(answers),
    base: await recordBase(tree, resolutions, previous, root, env.fs),
    ...(previous ? { previous } : {}),
  });
  const [recordPlan] = await planTree(new Map([[RECORD_FILE, { content: serializeRecord(record), mode: 0o644 }]]), root, env.fs);
  if (recordPlan) plan.push(recordPlan);
  resolutions.set(RECORD_FILE, "overwrite");

  if (options.dryRun) {
    printPlan(plan, resolutions, root, env.out);
    return undefined;
  }
  const result = await commitUnlessInterrupted(plan, root, env.fs, { resolutions });
  printResult(result, root, answers.app.name, env.out);
  return result;
}

/** The record init found, if any: a damaged one is replaced (init regenerates every file it lists). */
async function readPreviousRecord(root: string, fileSystem: FileSystem): Promise<GenerationRecord | undefined> {
  try {
    return parseRecord(await fileSystem.readFile(path.join(root, RECORD_FILE), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * What the record keeps as the base of the next upgrade. A file the user kept (skip) keeps its earlier base
 * when there was one, so that upgrade still brings it the update declined here; a file that was the user's
 * before any recorded run stays untracked. Files no longer generated stay recorded while they are on disk.
 */
async function recordBase(tree: Tree, resolutions: ReadonlyMap<string, Resolution>, previous: GenerationRecord | undefined, root: string, fileSystem: FileSystem): Promise<Map<string, GeneratedFile>> {
  const base = new Map<string, GeneratedFile>();
  const earlier = (file: string): GeneratedFile | undefined => {
    const entry = previous?.files.get(file);
    const text = entry && previous?.base().get(file);
    return entry && text !== undefined ? { content: text, mode: entry.mode } : undefined;
  };
  for (const [file, generated] of tree) {
    if (resolutions.get(file) !== "skip") base.set(file, generated);
    else {
      const kept = earlier(file);
      if (kept) base.set(file, kept);
    }
  }
  for (const file of previous?.files.keys() ?? []) {
    if (base.has(file) || tree.has(file)) continue;
    const kept = earlier(file);
    if (kept && (await fileSystem.stat(path.join(root, file)).then(() => true, () => false))) base.set(file, kept);
  }
  return base;
}

async function resolveConflicts(
  conflicts: PlannedFile[],
  resolutions: Map<string, Resolution>,
  options: InitOptions,
  interactive: boolean,
  env: InitEnvironment,
  recorded: boolean,
): Promise<void> {
  if (options.force || options.skipExisting) {
    for (const file of conflicts) resolutions.set(file.path, options.force ? "overwrite" : "skip");
    return;
  }
  if (!interactive) {
    if (options.dryRun) return;
    throw new ConflictError(conflicts.map((f) => f.path), recorded ? UPGRADE_HINT : undefined);
  }
  if (recorded) env.out(UPGRADE_HINT);
  let all: Resolution | undefined;
  for (const file of conflicts) {
    if (all) {
      resolutions.set(file.path, all);
      continue;
    }
    const choice = await askAboutFile<Resolution | "skip-all" | "overwrite-all">(
      env.prompter,
      {
        message: `${file.path} exists and differs. What should happen to it?`,
        choices: [
          { value: "skip", name: "keep mine (skip)" },
          { value: "overwrite", name: "overwrite" },
          { value: "diff", name: "show the diff" },
          { value: "skip-all", name: "keep all remaining existing files" },
          { value: "overwrite-all", name: "overwrite all remaining files" },
          { value: "abort", name: "abort (write nothing)" },
        ],
        default: "skip",
      },
      () => env.out(unifiedDiff(file.existing ?? "", file.content, { from: `${file.path} (yours)`, to: `${file.path} (generated)`, color: env.color })),
    );
    if (choice === "skip-all" || choice === "overwrite-all") all = choice === "skip-all" ? "skip" : "overwrite";
    resolutions.set(file.path, all ?? (choice as Resolution));
  }
}

const UPGRADE_HINT =
  "This repository holds a record of what fraiseql-deploy generated (fraiseql-deploy.record.json): `fraiseql-deploy upgrade` merges your edits with the new files, where init can only keep or overwrite each file.";

function printPlan(plan: PlannedFile[], resolutions: Map<string, Resolution>, root: string, out: (line: string) => void): void {
  out(`dry run: nothing written. Plan for ${root}:`);
  for (const file of plan) {
    const action =
      file.status === "create" ? "create" : file.status === "identical" ? "unchanged" : resolutions.get(file.path) === "overwrite" ? "overwrite" : resolutions.has(file.path) ? "skip (exists)" : "conflict (exists, differs)";
    out(`  ${action.padEnd(26)} ${file.path}`);
  }
}

function printResult(result: CommitResult, root: string, appName: string, out: (line: string) => void): void {
  out(`fraiseql-deploy: wrote ${result.written.length} file(s) to ${root}` +
    (result.unchanged.length ? `, ${result.unchanged.length} unchanged` : "") +
    (result.skipped.length ? `, kept ${result.skipped.length} existing` : ""));
  for (const file of result.skipped) out(`  kept (exists): ${file}`);
  out("");
  out("Next steps:");
  out("  1. Read docs/DEPLOYMENT.md (the generated guide for your answers).");
  out("  2. Check everything with the real linters and scanners: npx fraiseql-deploy verify");
  out(`  3. Build the images: npx fraiseql-deploy build   (release name: ${appName})`);
}
