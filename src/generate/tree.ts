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
import { sha256Hex } from "./hash.js";

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

/** The templates of one release of fraiseql-deploy, and a digest of their sources. */
export interface TemplateSet {
  files: TemplateFile[];
  fingerprint: string;
}

/**
 * Digest of template sources (path and text, sorted by path): the record keeps it, so `status` can say that
 * the templates changed even between two builds of one version. The build computes the same digest.
 */
export function templatesFingerprint(sources: Iterable<readonly [string, string]>): string {
  const sorted = [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${sha256Hex(sorted.map(([file, text]) => `${file}\0${text}\0`).join(""))}`;
}

let bundled: Promise<TemplateSet> | undefined;

/**
 * Files that depend on fraiseql-deploy itself, not on the answers: the chart's values.schema.json is built
 * from the answers schema. The build writes them into dist/templates.js with the templates.
 */
export function staticFiles(): Record<string, string> {
  return { [`${CHART_DIR}/values.schema.json`]: `${JSON.stringify(buildValuesSchema(), null, 2)}\n` };
}

/** This release's templates. From the package: dist/templates.js, compiled by the build. From source (tests): templates/, compiled here. */
export function releaseTemplates(): Promise<TemplateSet> {
  bundled ??= loadReleaseTemplates();
  return bundled;
}

async function loadReleaseTemplates(): Promise<TemplateSet> {
  const here = path.dirname(url.fileURLToPath(import.meta.url));
  if (here.endsWith(`${path.sep}dist`)) {
    const bundle = (await import(new URL("./templates.js", import.meta.url).href)) as {
      default: Record<string, { render?: CompiledTemplate; text?: string }>;
      fingerprint: string;
    };
    const files = Object.entries(bundle.default).map(([source, entry]) => ({ source, output: outputPath(source), body: entry.render ?? entry.text ?? "" }));
    return { files, fingerprint: bundle.fingerprint };
  }
  return loadTemplateDir(templatesDir(), staticFiles());
}

/** Templates from a folder laid out like templates/ (tests also load a frozen older release this way). */
export async function loadTemplateDir(root: string, extra: Record<string, string> = {}): Promise<TemplateSet> {
  const entries = await fsPromises.readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  const sources = await Promise.all(
    paths.map(async (file) => [path.relative(root, file).split(path.sep).join("/"), await fsPromises.readFile(file, "utf8")] as const),
  );
  const all = [...sources, ...Object.entries(extra)];
  const files = await Promise.all(
    all.map(async ([source, text]) => ({ source, output: outputPath(source), body: source.endsWith(".hbs") ? await compileTemplateSource(text, source) : text })),
  );
  return { files, fingerprint: templatesFingerprint(all) };
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

export async function renderTree(answers: Answers, toolVersion: string, templates?: TemplateSet): Promise<Tree> {
  const { files: sources } = templates ?? (await releaseTemplates());
  const context = buildContext(answers, toolVersion);
  const files: [string, GeneratedFile][] = [];
  for (const template of sources) {
    const content = typeof template.body === "string" ? template.body : renderTemplate(template.body, context, template.source);
    if (content.trim() === "") continue;
    files.push([template.output, { content, mode: modeFor(template.output) }]);
  }
  files.push([ANSWERS_FILE, { content: serializeAnswers(answers, toolVersion), mode: 0o644 }]);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(files);
}
