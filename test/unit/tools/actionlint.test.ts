import { describe, expect, it } from "vitest";
import { actionlintArgs, actionlintCrashed, parseActionlint } from "../../../src/tools/actionlint.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("actionlint argv", () => {
  it("prints JSON, uses the given shellcheck and no pyflakes", () => {
    expect(actionlintArgs({ files: [".github/workflows/ci.yml"], shellcheck: "/bin/shellcheck" })).toEqual([
      "-format",
      "{{json .}}",
      "-no-color",
      "-shellcheck=/bin/shellcheck",
      "-pyflakes=",
      ".github/workflows/ci.yml",
    ]);
    expect(actionlintArgs({ files: ["w.yml"] })).toEqual(["-format", "{{json .}}", "-no-color", "-pyflakes=", "w.yml"]);
    expect(actionlintArgs({ files: ["w.yml"], shellcheck: "" })).toContain("-shellcheck=");
  });

  it.each([
    [0, false],
    [1, false],
    [2, true],
    [3, true],
  ])("exit %i crashed=%s", (code, crashed) => {
    expect(actionlintCrashed(code)).toBe(crashed);
  });
});

describe("parseActionlint (captured actionlint 1.7.12 -format '{{json .}}')", () => {
  it("maps each error; shellcheck notes keep their SC rule and level", () => {
    expect(capturedExit("actionlint", "findings.json")).toBe(1);
    const findings = parseActionlint(captured("actionlint", "findings.json"), "actionlint");
    expect(findings.map((f) => [f.file, f.line, f.rule, f.severity])).toEqual([
      [".github/workflows/bad.yml", 4, "syntax-check", "error"],
      [".github/workflows/bad.yml", 12, "action", "error"],
      [".github/workflows/bad.yml", 13, "expression", "error"],
      [".github/workflows/bad.yml", 14, "SC2045", "error"],
      [".github/workflows/bad.yml", 14, "SC2086", "warning"],
      [".github/workflows/bad.yml", 16, "expression", "error"],
    ]);
    expect(findings[2]?.fix).toBe("pass the value through an env: variable and quote it in the script");
    expect(findings[0]?.message).toMatch(/^unexpected key "branchs" for "push" section/);
  });

  it.each([
    ["clean.json", 0],
    ["syntax-error.json", 1],
  ])("%s -> %i findings", (name, count) => {
    expect(parseActionlint(captured("actionlint", name), "a")).toHaveLength(count);
  });

  it("rejects non-JSON", () => {
    expect(() => parseActionlint("could not read file", "a")).toThrow(/did not print JSON/);
  });
});
