/**
 * fraiseql-deploy's template compiler against Handlebars itself: the same output for
 * every construct the templates use, and a clear build error for everything else.
 */
import { describe, expect, it } from "vitest";
import Handlebars from "handlebars";
import { compileTemplateSource, helperNames, renderTemplate, templateHelpers } from "../../src/generate/render.js";
import { compileTemplate, TemplateCompileError } from "../../src/generate/template-compiler.js";

const reference = Handlebars.create();
for (const [name, fn] of Object.entries(templateHelpers)) reference.registerHelper(name, fn);

/** Renders with real Handlebars (strict, no escaping): the semantics we promise to keep. */
function renderWithHandlebars(source: string, context: object): string {
  return reference.compile(source, { noEscape: true, strict: true })(context);
}

async function ours(source: string, context: object): Promise<string> {
  return renderTemplate(await compileTemplateSource(source, "t.hbs"), context, "t.hbs");
}

const context = {
  name: "api",
  port: 8815,
  zero: 0,
  empty: [],
  list: ["a", "b"],
  objects: [{ n: "x" }, { n: "y" }],
  map: { k1: "v1", k2: "v2" },
  nested: { deep: { value: "ok" }, flag: true, off: false },
  text: 'quote " colon: # {{x}} café\nnext',
  nothing: null,
};

const cases: Record<string, string> = {
  "plain text and values": "a {{name}} b {{port}} {{nested.deep.value}} {{nested.flag}} {{nothing}}",
  "helpers and subexpressions": '{{yaml text}} {{sh name}} {{json list}} {{#if (eq name "api")}}yes{{/if}} {{add port 1}} {{#if (and nested.flag (not nested.off))}}both{{/if}}',
  "helper with a missing argument": "[{{yaml nested.missing}}] [{{#if nested.missing}}x{{else}}y{{/if}}]",
  "truthiness: 0, [], null, false": "{{#if zero}}a{{else}}b{{/if}}{{#if empty}}c{{else}}d{{/if}}{{#if nothing}}e{{/if}}{{#unless nested.off}}f{{/unless}}{{#if list}}g{{/if}}",
  "chained else if": "{{#if nested.off}}1{{else if nested.flag}}2{{else}}3{{/if}}",
  "each over lists and objects, with ../ and this": "{{#each list}}[{{this}} of {{../name}}]{{/each}} {{#each objects}}{{n}}{{/each}} {{#each map}}{{this}};{{/each}} {{#each empty}}x{{else}}none{{/each}}",
  "nested each": "{{#each objects}}{{#each ../list}}{{this}}{{../n}}{{../../port}} {{/each}}{{/each}}",
  "standalone lines and whitespace control": "top:\n{{#if nested.flag}}\n  inner: {{name}}\n{{/if}}\n{{#each list}}\n- {{this}}\n{{/each}}\nend {{~ name ~}} !\n  {{indent text 2~}}\n\nlast\n",
  "comments": "a{{! short }}b{{!-- long {{x}} --}}c\n{{!-- standalone --}}\nd",
  "inline partials with indentation": '{{#*inline "labels"}}\nname: {{yaml name}}\nport: {{port}}\n{{/inline}}\nmetadata:\n  labels:\n    {{> labels}}\nspec:\n      {{> labels}}\n{{#each objects}}\n  - {{> item}}\n{{/each}}\n{{#*inline "item"}}\nn: {{n}}\n{{/inline}}\n',
  "escaped mustaches stay literal": "run: $\\{{ github.sha }} {{name}}",
};

describe("template compiler: same output as Handlebars", () => {
  it.each(Object.entries(cases))("%s", async (_name, source) => {
    expect(await ours(source, context)).toBe(renderWithHandlebars(source, context));
  });
});

describe("template compiler: strict mode and errors", () => {
  it("a misspelt printed variable fails the render, naming the template, line and field", async () => {
    await expect(ours("ok\n{{nested.missing}}", context)).rejects.toThrow(/rendering t\.hbs: "missing" is not defined at t\.hbs:2/);
    await expect(ours("{{missing}}", context)).rejects.toThrow(/"missing" is not defined/);
    expect(() => renderWithHandlebars("{{nested.missing}}", context)).toThrow(/not defined/);
  });

  it("reading through a missing parent fails, as in Handlebars", async () => {
    await expect(ours("{{yaml absent.child}}", context)).rejects.toThrow(/cannot read "child" of undefined at t\.hbs:1/);
    expect(() => renderWithHandlebars("{{yaml absent.child}}", context)).toThrow();
  });

  it("never reads inherited members", async () => {
    expect(await ours("[{{yaml name.constructor}}]", context)).toBe(renderWithHandlebars("[{{yaml name.constructor}}]", context));
  });

  const parse = (source: string) => Handlebars.parse(source);
  const unsupported: Record<string, string> = {
    "unknown helper": "{{frobnicate name}}",
    "unknown subexpression helper": "{{#if (frobnicate name)}}x{{/if}}",
    "custom block helper": "{{#with nested}}x{{/with}}",
    "@data variables": "{{#each list}}{{@index}}{{/each}}",
    "hash arguments": "{{yaml name key=1}}",
    "triple-stash": "{{{name}}}",
    "undefined partial": "{{> nowhere}}",
    "../ above the root": "{{../name}}",
    "#if with two arguments": "{{#if a b}}x{{/if}}",
    "block parameters": "{{#each list as |item|}}{{item}}{{/each}}",
    "inline partial inside a block": '{{#if name}}{{#*inline "x"}}y{{/inline}}{{/if}}',
  };
  it.each(Object.entries(unsupported))("rejects %s at build time, with the template and line", (_name, source) => {
    expect(() => compileTemplate(parse, `line one\n${source}`, "bad.hbs", helperNames)).toThrow(TemplateCompileError);
    expect(() => compileTemplate(parse, `line one\n${source}`, "bad.hbs", helperNames)).toThrow(/^bad\.hbs \(line 2, column \d+\): /);
  });
});
