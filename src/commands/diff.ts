/** `fraiseql-deploy diff [paths...]`: what `upgrade` would change, as unified diffs. */
import path from "node:path";
import { UsageError } from "../errors.js";
import { unifiedDiff } from "../ui/diff.js";
import { useColor, writeOut } from "../ui/output.js";
import { loadAndPlan, type UpgradeCommandOptions } from "./upgrade.js";

export interface DiffCommandOptions extends UpgradeCommandOptions {
  dir?: string;
  color?: boolean;
}

/** Repository-relative POSIX forms of the paths given (files or folders, relative to the working folder). */
function selectors(root: string, paths: readonly string[]): string[] {
  return paths.map((given) => {
    const relative = path.relative(root, path.resolve(given)).split(path.sep).join("/");
    if (relative.startsWith("..") || path.isAbsolute(relative)) throw new UsageError(`${given}: is outside the repository ${root}`);
    return relative;
  });
}

const selected = (file: string, wanted: readonly string[]): boolean =>
  wanted.length === 0 || wanted.some((w) => w === "" || file === w || file.startsWith(`${w}/`));

export async function runDiff(paths: readonly string[], options: DiffCommandOptions): Promise<number> {
  const root = path.resolve(options.dir ?? ".");
  const wanted = selectors(root, paths);
  const { steps } = await loadAndPlan(root, options);
  const unknown = wanted.filter((w) => !steps.some((step) => selected(step.path, [w])));
  if (unknown.length > 0) throw new UsageError("these paths are not files fraiseql-deploy generates (nor folders holding any):", unknown);
  const color = options.color ?? useColor(1);
  const out: string[] = [];
  for (const step of steps) {
    if (!selected(step.path, wanted)) continue;
    if (step.kind === "prune") out.push(unifiedDiff(step.before ?? "", "", { from: `a/${step.path}`, to: null, color }));
    else if (step.kind === "blocked") out.push(`# ${step.path}: still holds conflict markers, and the new version changes it again: resolve them first\n`);
    else if (step.kind === "untracked") out.push(`# ${step.path}: untracked (not from a recorded run); upgrade keeps it unless you choose. The generated file differs:\n${unifiedDiff(step.before ?? "", step.generated?.content ?? "", { from: `a/${step.path}`, to: `b/${step.path}`, color })}`);
    else if (step.after !== undefined) out.push(unifiedDiff(step.before ?? "", step.after, { from: step.before === undefined ? null : `a/${step.path}`, to: `b/${step.path}`, color }));
  }
  const text = out.filter(Boolean).join("");
  writeOut(text);
  return 0;
}
