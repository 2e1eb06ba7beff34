/**
 * Unified diffs (jsdiff), for the conflict prompts and `fraiseql-deploy diff`: plain text, or colored like
 * git's when written to a terminal.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
import { Chalk } from "chalk";

export interface DiffOptions {
  /** Names in the header; `null` for a file that does not exist on that side (shown as /dev/null). */
  from: string | null;
  to: string | null;
  color?: boolean;
  context?: number;
}

/** The diff from `before` to `after`, or "" when they are equal. */
export function unifiedDiff(before: string, after: string, options: DiffOptions): string {
  if (before === after) return "";
  const patch = structuredPatch(options.from ?? "/dev/null", options.to ?? "/dev/null", before, after, undefined, undefined, { context: options.context ?? 3 });
  if (patch.hunks.length === 0) return "";
  const text = formatPatch(patch, FILE_HEADERS_ONLY);
  return options.color ? colorize(text) : text;
}

function colorize(text: string): string {
  const chalk = new Chalk({ level: 1 });
  return text
    .split("\n")
    .map((line, index) => {
      // The first two lines are the file names; further lines starting with --- or +++ are content.
      if (index < 2) return chalk.bold(line);
      if (line.startsWith("@@")) return chalk.cyan(line);
      if (line.startsWith("+")) return chalk.green(line);
      if (line.startsWith("-")) return chalk.red(line);
      return line;
    })
    .join("\n");
}
