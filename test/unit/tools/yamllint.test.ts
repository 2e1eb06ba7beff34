import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { parseYamllint, yamllintArgs, yamllintConfig, yamllintCrashed } from "../../../src/tools/yamllint.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("yamllint argv and config", () => {
  it("uses the parsable format and the given config", () => {
    expect(yamllintArgs({ files: ["a.yaml"], configFile: "/s/y.yaml" })).toEqual(["--format", "parsable", "--config-file", "/s/y.yaml", "a.yaml"]);
  });

  it("relaxes line length and document start, and allows the workflow `on:` key", () => {
    expect(yaml.load(yamllintConfig())).toEqual({
      extends: "default",
      rules: {
        "line-length": "disable",
        "document-start": "disable",
        truthy: { "allowed-values": ["true", "false"], "check-keys": false },
      },
    });
  });

  it.each([
    [0, false],
    [1, false],
    [2, true],
  ])("exit %i crashed=%s", (code, crashed) => {
    expect(yamllintCrashed(code)).toBe(crashed);
  });
});

describe("parseYamllint (captured yamllint 1.29.0 -f parsable, default config)", () => {
  it("maps each line to file, line, rule and level", () => {
    expect(capturedExit("yamllint", "default.txt")).toBe(1);
    expect(parseYamllint(captured("yamllint", "default.txt"), "yamllint").map((f) => [f.file, f.line, f.rule, f.severity])).toEqual([
      ["yaml/bad.yaml", 1, "document-start", "warning"],
      ["yaml/bad.yaml", 2, "key-duplicates", "error"],
      ["yaml/bad.yaml", 3, "colons", "error"],
      ["yaml/bad.yaml", 3, "truthy", "warning"],
      ["yaml/bad.yaml", 4, "commas", "error"],
      ["yaml/bad.yaml", 4, "trailing-spaces", "error"],
      ["yaml/bad.yaml", 5, "line-length", "error"],
      ["yaml/bad.yaml", 6, "comments", "warning"],
      ["yaml/bad.yaml", 7, "truthy", "warning"],
      ["yaml/broken.yaml", 1, "document-start", "warning"],
      ["yaml/broken.yaml", 2, "syntax", "error"],
    ]);
  });

  it("keeps the message and adds a fix for the common rules", () => {
    const [, dup] = parseYamllint(captured("yamllint", "default.txt"), "y");
    expect(dup).toEqual({ checkId: "y", file: "yaml/bad.yaml", line: 2, rule: "key-duplicates", severity: "error", message: 'duplication of key "a" in mapping', fix: "remove the duplicate key (the last one silently wins)" });
  });

  it("clean output, and output it does not understand", () => {
    expect(parseYamllint(captured("yamllint", "clean.txt"), "y")).toEqual([]);
    expect(() => parseYamllint("Traceback (most recent call last):", "y")).toThrow(/unexpected yamllint output/);
  });
});
