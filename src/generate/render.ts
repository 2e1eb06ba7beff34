/**
 * Renders `*.hbs` templates with an isolated Handlebars instance: no HTML
 * escaping (output is YAML/TOML/shell, not HTML) and strict mode, so a
 * misspelt variable fails the render instead of printing nothing.
 */
import Handlebars from "handlebars";
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

export type Renderer = (template: string, context: object, name: string) => string;

export function createRenderer(): Renderer {
  const hb = Handlebars.create();
  const str = (v: unknown): string => {
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
  };
  const helpers: Record<string, Handlebars.HelperDelegate> = {
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
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  return (template, context, name) => {
    let compiled = cache.get(template);
    if (!compiled) {
      compiled = hb.compile(template, { noEscape: true, strict: true, knownHelpersOnly: false });
      cache.set(template, compiled);
    }
    try {
      return compiled(context);
    } catch (error) {
      throw new Error(`rendering ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
