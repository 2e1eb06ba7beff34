import { describe, expect, it } from "vitest";
import { parseShellcheck, shellcheckArgs, shellcheckCrashed } from "../../../src/tools/shellcheck.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("shellcheck argv", () => {
  it("prints json1 and follows sourced files", () => {
    expect(shellcheckArgs({ files: ["tools/a.sh"] })).toEqual(["--format", "json1", "--external-sources", "tools/a.sh"]);
    expect(shellcheckArgs({ files: ["a.sh"], externalSources: false, severity: "warning" })).toEqual(["--format", "json1", "--severity", "warning", "a.sh"]);
  });

  it.each([
    [0, false],
    [1, false],
    [2, true],
    [3, true],
  ])("exit %i crashed=%s", (code, crashed) => {
    expect(shellcheckCrashed(code)).toBe(crashed);
  });
});

describe("parseShellcheck (captured shellcheck 0.9.0 -f json1)", () => {
  it("maps comments to findings; error and warning levels are errors, info and style warnings", () => {
    expect(capturedExit("shellcheck", "findings.json")).toBe(1);
    const findings = parseShellcheck(captured("shellcheck", "findings.json"), "shellcheck");
    expect(findings.map((f) => [f.file, f.line, f.rule, f.severity])).toEqual([
      ["tools/broken.sh", 2, "SC1073", "error"],
      ["tools/broken.sh", 2, "SC1072", "error"],
      ["tools/bad.sh", 2, "SC2045", "error"],
      ["tools/bad.sh", 2, "SC2035", "warning"],
      ["tools/bad.sh", 3, "SC2086", "warning"],
      ["tools/bad.sh", 5, "SC2164", "error"],
      ["tools/bad.sh", 6, "SC2086", "warning"],
    ]);
    expect(findings[2]).toEqual({
      checkId: "shellcheck",
      file: "tools/bad.sh",
      line: 2,
      rule: "SC2045",
      severity: "error",
      message: "Iterating over ls output is fragile. Use globs.",
      fix: "see https://www.shellcheck.net/wiki/SC2045",
    });
    expect(findings[4]?.fix).toMatch(/shellcheck -f diff tools\/bad\.sh/);
  });

  it("clean output and broken output", () => {
    expect(parseShellcheck(captured("shellcheck", "clean.json"), "s")).toEqual([]);
    expect(() => parseShellcheck("", "s")).toThrow(/did not print JSON/);
  });
});
