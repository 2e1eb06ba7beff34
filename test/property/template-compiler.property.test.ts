/**
 * Every template, rendered for random valid answers by fraiseql-deploy's compiler and by
 * Handlebars itself: the output must be identical, byte for byte.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import Handlebars from "handlebars";
import { resolveAnswers } from "../../src/answers/resolve.js";
import { buildContext } from "../../src/generate/context.js";
import { compileTemplateSource, renderTemplate, templateHelpers } from "../../src/generate/render.js";
import { templatesDir } from "../../src/generate/tree.js";
import { facts, maximalAnswers } from "../helpers.js";
import { answersArb } from "./arbitraries.js";

const reference = Handlebars.create();
for (const [name, fn] of Object.entries(templateHelpers)) reference.registerHelper(name, fn);

async function loadBoth() {
  const root = templatesDir();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const sources = entries.filter((e) => e.isFile() && e.name.endsWith(".hbs")).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(
    sources.map(async (file) => {
      const name = path.relative(root, file);
      const text = await readFile(file, "utf8");
      return { name, ours: await compileTemplateSource(text, name), handlebars: reference.compile(text, { noEscape: true, strict: true }) };
    }),
  );
}

describe("property: compiled templates render exactly as Handlebars renders them", () => {
  it("for the default and maximal answers and for random valid answers", async () => {
    const templates = await loadBoth();
    expect(templates.length).toBeGreaterThan(30);
    const compare = (given: Parameters<typeof resolveAnswers>[0]) => {
      const context = buildContext(resolveAnswers(given, facts, "property"), "0.0.0-test");
      for (const t of templates) expect(renderTemplate(t.ours, context, t.name), t.name).toBe(t.handlebars(context));
    };
    compare({});
    compare(maximalAnswers);
    fc.assert(fc.property(answersArb, compare), { numRuns: 40 });
  });
});
