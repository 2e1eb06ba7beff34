import { describe, expect, it } from "vitest";
import fc from "fast-check";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { spawnSync } from "node:child_process";
import { dockerfileString, markdownText, shellWord, tomlString, yamlString } from "../../src/generate/escape.js";
import { compileTemplateSource, renderTemplate } from "../../src/generate/render.js";

const hostile = ['a "quoted" value', "colon: and # hash", "line\nbreak", "{{handlebars}}", "café ☕ 日本", "it's", "tab\there", "back\\slash", "$HOME `x`", "\u0000\u007f\u2028"];

describe("escaping per output language", () => {
  it("yamlString round-trips any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const parsed = yaml.load(`key: ${yamlString(s)}\n`) as { key: string };
        expect(parsed.key).toBe(s.replace(/\r\n?/g, (m) => m));
      }),
      { numRuns: 300 },
    );
  });

  it("tomlString round-trips any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect((parseToml(`key = ${tomlString(s)}\n`) as { key: string }).key).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it.each(hostile)("shellWord keeps %j as one word", (s) => {
    if (s.includes("\u0000")) return; // NUL cannot exist in argv at all
    const out = spawnSync("bash", ["-c", `printf '%s' ${shellWord(s)}`], { encoding: "utf8" });
    expect(out.stdout).toBe(s);
  });

  it("dockerfileString stays on one line and keeps quotes balanced", () => {
    for (const s of hostile) {
      const v = dockerfileString(s);
      expect(v).not.toMatch(/[\r\n]/);
      expect(v.replace(/\\./g, "")).toMatch(/^"[^"]*"$/);
    }
  });

  it("markdownText cannot open markup", () => {
    expect(markdownText("*bold* <script> [x](y)\nnext")).toBe("\\*bold\\* \\<script\\> \\[x\\]\\(y\\) next");
  });

  it("renders without HTML escaping and fails on unknown variables", async () => {
    const render = async (source: string, context: object, name: string) => renderTemplate(await compileTemplateSource(source, name), context, name);
    expect(await render("{{a}} {{yaml a}}", { a: "<&>\"" }, "t")).toBe('<&>" "<&>\\""');
    await expect(render("{{missing}}", {}, "t.hbs")).rejects.toThrow(/t\.hbs/);
  });
});
