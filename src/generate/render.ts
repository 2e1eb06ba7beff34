/**
 * Runs templates compiled by template-compiler.ts: the helpers they may call and the
 * small runtime behind their lookups. No HTML escaping anywhere (output is YAML, TOML,
 * shell, Markdown), and strict mode: a misspelt variable fails the render instead of
 * printing nothing.
 */
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
import { compileTemplate, type CompiledTemplate, type TemplateRuntime } from "./template-compiler.js";

const str = (v: unknown): string => {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
};

/** Every helper a template may call; the compiler rejects any other name at build time. */
export const templateHelpers: Record<string, (...args: unknown[]) => unknown> = {
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
  // The last argument is the options object every helper receives.
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (v: unknown) => !v,
};

export const helperNames: ReadonlySet<string> = new Set(Object.keys(templateHelpers));

const lookup = (parent: unknown, name: string, where: string): unknown => {
  if (parent === undefined || parent === null) throw new Error(`cannot read "${name}" of ${String(parent)} at ${where}`);
  const value = (parent as Record<string, unknown>)[name];
  if (value === undefined || value === null) return value;
  // Own properties only, like Handlebars: never "constructor" or other inherited members.
  return Object.hasOwn(parent, name) ? value : undefined;
};

/** Handlebars' semantics for the constructs template-compiler.ts emits (see its tests). */
export const templateRuntime: TemplateRuntime = {
  l: lookup,
  s(parent, name, where) {
    if (typeof parent !== "object" || parent === null || !(name in parent)) throw new Error(`"${name}" is not defined at ${where}`);
    return lookup(parent, name, where);
  },
  o: (value) => (value === undefined || value === null ? "" : `${value as string}`),
  t: (value) => !(!value || (Array.isArray(value) && value.length === 0)),
  e(value, body) {
    if (!value || typeof value !== "object") return null;
    let out = "";
    let count = 0;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) continue;
        out += body(value[i]);
        count++;
      }
    } else {
      for (const key of Object.keys(value)) {
        out += body((value as Record<string, unknown>)[key]);
        count++;
      }
    }
    return count === 0 ? null : out;
  },
  i(text, indent) {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i] && i + 1 === lines.length) break;
      lines[i] = indent + lines[i];
    }
    return lines.join("\n");
  },
  O: Object.freeze({ hash: Object.freeze({}) }),
};

export function renderTemplate(template: CompiledTemplate, context: object, name: string): string {
  try {
    return template(context, templateHelpers, templateRuntime);
  } catch (error) {
    throw new Error(`rendering ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Compiles template source at run time: for tests and for running from source. The package
 * ships templates compiled at build time (dist/templates.js) and never loads Handlebars.
 */
export async function compileTemplateSource(source: string, name: string): Promise<CompiledTemplate> {
  const { default: Handlebars } = await import("handlebars");
  const body = compileTemplate((text) => Handlebars.parse(text), source, name, helperNames);
  // The code is ours, generated from our own templates: the same text the build writes to dist/templates.js.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("c", "h", "r", body) as CompiledTemplate;
}
