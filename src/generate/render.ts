/**
 * Renders `*.hbs` templates with an isolated Handlebars instance: no HTML
 * escaping (output is YAML/TOML/shell, not HTML) and strict mode, so a
 * misspelt variable fails the render instead of printing nothing.
 */
import type HandlebarsNamespace from "handlebars";
import {
  commentText,
  dockerfileString,
  markdownText,
  mermaidText,
  shellWord,
  tomlString,
  yamlString,
  yamlValue,
} from "./escape.js";

type Handlebars = typeof HandlebarsNamespace;

export type Renderer = (template: string | TemplateSpec, context: object, name: string) => string;

/** A template precompiled at build time (dist/templates.js), run by the Handlebars runtime alone. */
export interface TemplateSpec {
  spec: object;
}

/** The options every template is compiled with, here and in scripts/precompile-templates.mjs. */
export const compileOptions = { noEscape: true, strict: true, knownHelpersOnly: false } as const;

/**
 * `handlebars` is the full compiler (used from source and in tests); `handlebars/runtime`
 * is enough for precompiled templates and loads in a fraction of the time.
 */
export async function loadHandlebars(precompiled: boolean): Promise<Handlebars> {
  const mod = (precompiled ? await import("handlebars/runtime.js") : await import("handlebars")) as { default: Handlebars };
  return mod.default;
}

export function createRenderer(handlebars: Handlebars): Renderer {
  const hb = handlebars.create();
  const str = (v: unknown): string => {
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
  };
  const helpers: Record<string, HandlebarsNamespace.HelperDelegate> = {
    yaml: (v: unknown) => yamlValue(v),
    yamlString: (v: unknown) => yamlString(str(v)),
    toml: (v: unknown) => tomlString(str(v)),
    sh: (v: unknown) => shellWord(str(v)),
    docker: (v: unknown) => dockerfileString(str(v)),
    md: (v: unknown) => markdownText(str(v)),
    mermaid: (v: unknown) => mermaidText(str(v)),
    comment: (v: unknown) => commentText(str(v)),
    json: (v: unknown) => JSON.stringify(v),
    /** Indents every line but the first by n spaces: for block scalars. */
    indent: (text: unknown, n: unknown) => str(text).replace(/\n(?!$)/g, `\n${" ".repeat(Number(n))}`),
    join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(str).join(typeof sep === "string" ? sep : ",") : ""),
    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    gte: (a: unknown, b: unknown) => Number(a) >= Number(b),
    lt: (a: unknown, b: unknown) => Number(a) < Number(b),
    add: (a: unknown, b: unknown) => Number(a) + Number(b),
    includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    not: (v: unknown) => !v,
  };
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn);
  const cache = new Map<string | TemplateSpec, HandlebarsNamespace.TemplateDelegate>();
  return (template, context, name) => {
    let compiled = cache.get(template);
    if (!compiled) {
      compiled = typeof template === "string" ? hb.compile(template, compileOptions) : hb.template(template.spec);
      cache.set(template, compiled);
    }
    try {
      return compiled(context);
    } catch (error) {
      throw new Error(`rendering ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
