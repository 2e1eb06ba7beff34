import { describe, expect, it } from "vitest";
import { hadolintArgs, parseHadolint, ruleUrl } from "../../../src/tools/hadolint.js";
import { captured } from "../../stand-ins/outputs.js";

describe("hadolint argv", () => {
  it("prints JSON and leaves the exit status to hadolint failures", () => {
    expect(hadolintArgs({ files: ["Dockerfile", "deploy/docker/Dockerfile.hardened"] })).toEqual(["--format", "json", "--no-fail", "--no-color", "Dockerfile", "deploy/docker/Dockerfile.hardened"]);
    expect(hadolintArgs({ files: ["Dockerfile"], config: ".hadolint.yaml" })).toEqual(["--format", "json", "--no-fail", "--no-color", "--config", ".hadolint.yaml", "Dockerfile"]);
  });
});

describe("parseHadolint (captured hadolint 2.15.1 -f json)", () => {
  it("maps every finding with file, line, rule, level and a fix", () => {
    const findings = parseHadolint(captured("hadolint", "findings.json"), "hadolint");
    expect(findings.map((f) => [f.file, f.line, f.rule, f.severity])).toEqual([
      ["Dockerfile", 1, "DL3007", "error"],
      ["Dockerfile", 2, "DL3009", "warning"],
      ["Dockerfile", 2, "DL3008", "error"],
      ["Dockerfile", 2, "DL3015", "warning"],
      ["Dockerfile", 3, "DL3003", "error"],
      ["Dockerfile", 5, "DL3066", "warning"],
      ["Dockerfile", 5, "DL3002", "error"],
      ["Dockerfile", 6, "DL4000", "error"],
      ["Dockerfile", 7, "SC3014", "error"],
    ]);
    expect(findings.find((f) => f.rule === "DL3015")?.fix).toBe("add --no-install-recommends to apt-get install");
    expect(findings.find((f) => f.rule === "SC3014")?.fix).toBe("see https://www.shellcheck.net/wiki/SC3014");
    expect(findings.find((f) => f.rule === "DL3066")?.fix).toBe("see https://github.com/hadolint/hadolint/wiki/DL3066");
  });

  it.each([
    ["clean.json", []],
    ["parse-error.json", [["deploy/docker/Dockerfile.broken", 2, "DL1000", "error"]]],
  ])("%s", (name, expected) => {
    expect(parseHadolint(captured("hadolint", name), "hadolint").map((f) => [f.file, f.line, f.rule, f.severity])).toEqual(expected);
  });

  it("joins multi-line messages and rejects non-JSON", () => {
    expect(parseHadolint(captured("hadolint", "parse-error.json"), "h")[0]?.message).toMatch(/^unexpected 'B' expecting '#'/);
    expect(() => parseHadolint("hadolint: openFile: does not exist", "h")).toThrow(/did not print JSON/);
    expect(ruleUrl("DL3008")).toBe("https://github.com/hadolint/hadolint/wiki/DL3008");
  });
});
