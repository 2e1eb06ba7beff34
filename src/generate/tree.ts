/**
 * Renders the whole deployment tree in memory. Nothing here touches the
 * user's repository: the result is checked, planned and only then written.
 */
import { fsPromises, url } from "../builtins.js";
import path from "node:path";
import type { Answers } from "../answers/types.js";
import { buildContext } from "./context.js";
import { compileTemplateSource, renderTemplate } from "./render.js";
import type { CompiledTemplate } from "./template-compiler.js";
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

/** The template sources, read when running from source (tests); the package uses dist/templates.js. */
export function templatesDir(): string {
  return path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..", "..", "templates");
}

interface TemplateFile {
  source: string;
  output: string;
  /** A compiled .hbs template, or the text of a plain file. */
  body: CompiledTemplate | string;
}

let templateCache: Promise<TemplateFile[]> | undefined;

/**
 * Files that depend on fraiseql-deploy itself, not on the answers: the chart's values.schema.json is built
 * from the answers schema. The build writes them into dist/templates.js with the templates.
 */
export function staticFiles(): Record<string, string> {
  return { [`${CHART_DIR}/values.schema.json`]: `${JSON.stringify(buildValuesSchema(), null, 2)}\n` };
}

/** From the package: dist/templates.js, compiled by the build. From source (tests): templates/, compiled here. */
async function loadTemplates(): Promise<TemplateFile[]> {
  const here = path.dirname(url.fileURLToPath(import.meta.url));
  if (here.endsWith(`${path.sep}dist`)) {
    const bundle = (await import(new URL("./templates.js", import.meta.url).href)) as { default: Record<string, { render?: CompiledTemplate; text?: string }> };
    return Object.entries(bundle.default).map(([source, entry]) => ({ source, output: outputPath(source), body: entry.render ?? entry.text ?? "" }));
  }
  const root = templatesDir();
  const entries = await fsPromises.readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  const templates = await Promise.all(
    paths.map(async (file) => {
      const source = path.relative(root, file).split(path.sep).join("/");
      const text = await fsPromises.readFile(file, "utf8");
      return { source, output: outputPath(source), body: source.endsWith(".hbs") ? await compileTemplateSource(text, source) : text };
    }),
  );
  return [...templates, ...Object.entries(staticFiles()).map(([output, text]) => ({ source: output, output, body: text }))];
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
  templateCache ??= loadTemplates();
  const templates = await templateCache;
  const context = buildContext(answers, toolVersion);
  const files: [string, GeneratedFile][] = [];
  for (const template of templates) {
    const content = typeof template.body === "string" ? template.body : renderTemplate(template.body, context, template.source);
    if (content.trim() === "") continue;
    files.push([template.output, { content, mode: modeFor(template.output) }]);
  }
  files.push([ANSWERS_FILE, { content: serializeAnswers(answers, toolVersion), mode: 0o644 }]);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(files);
}
