/**
 * Renders the whole deployment tree in memory. Nothing here touches the
 * user's repository: the result is checked, planned and only then written.
 */
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { Answers } from "../answers/types.js";
import { buildContext } from "./context.js";
import { createRenderer } from "./render.js";
import { buildValuesSchema } from "./values-schema.js";
import { serializeAnswers } from "../answers/file.js";
import { ANSWERS_FILE } from "../answers/resolve.js";

export interface GeneratedFile {
  content: string;
  /** POSIX mode bits: 0o755 for scripts, 0o644 otherwise. */
  mode: number;
}

/** Repository-relative POSIX path -> file. Sorted for stable output. */
export type Tree = Map<string, GeneratedFile>;

export const CHART_DIR = "deploy/kubernetes/helm/fraiseql";

export function templatesDir(): string {
  // dist/cli.js and src/generate/tree.ts both sit two levels below the package root... or one (dist/).
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fromDist = path.resolve(here, "..", "templates");
  const fromSrc = path.resolve(here, "..", "..", "templates");
  return here.endsWith(`${path.sep}dist`) ? fromDist : fromSrc;
}

interface TemplateFile {
  source: string;
  output: string;
}

let templateCache: Promise<Map<TemplateFile, string>> | undefined;

async function loadTemplates(root: string): Promise<Map<TemplateFile, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  const loaded = await Promise.all(
    files.map(async (file) => {
      const source = path.relative(root, file).split(path.sep).join("/");
      return [{ source, output: outputPath(source) }, await readFile(file, "utf8")] as const;
    }),
  );
  return new Map(loaded);
}

/** `dot.github/x.yml.hbs` -> `.github/x.yml`. */
export function outputPath(source: string): string {
  return source
    .split("/")
    .map((segment) => (segment.startsWith("dot.") ? `.${segment.slice(4)}` : segment))
    .join("/")
    .replace(/\.hbs$/, "");
}

export function modeFor(output: string): number {
  return output.startsWith("tools/") || output.endsWith(".sh") ? 0o755 : 0o644;
}

export async function renderTree(answers: Answers, toolVersion: string): Promise<Tree> {
  templateCache ??= loadTemplates(templatesDir());
  const templates = await templateCache;
  const render = createRenderer();
  const context = buildContext(answers, toolVersion);
  const files: [string, GeneratedFile][] = [];
  for (const [template, text] of templates) {
    const content = template.source.endsWith(".hbs") ? render(text, context, template.source) : text;
    if (content.trim() === "") continue;
    files.push([template.output, { content, mode: modeFor(template.output) }]);
  }
  files.push([`${CHART_DIR}/values.schema.json`, { content: `${JSON.stringify(buildValuesSchema(), null, 2)}\n`, mode: 0o644 }]);
  files.push([ANSWERS_FILE, { content: serializeAnswers(answers, toolVersion), mode: 0o644 }]);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(files);
}
