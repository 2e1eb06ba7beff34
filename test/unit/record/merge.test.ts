import { describe, expect, it } from "vitest";
import { hasConflictMarkers, mergePreferTheirs, mergeThreeWay } from "../../../src/record/merge.js";
import { lineEndingsOf, toLf, withLineEndings } from "../../../src/record/line-endings.js";

const base = "one\ntwo\nthree\nfour\nfive\nsix\n";

describe("three-way merge of one file", () => {
  const cases: [string, string, string, string, number][] = [
    ["only the user changed", "one\nTWO\nthree\nfour\nfive\nsix\n", base, "one\nTWO\nthree\nfour\nfive\nsix\n", 0],
    ["only the template changed", base, "one\ntwo\nthree\nfour\nFIVE\nsix\n", "one\ntwo\nthree\nfour\nFIVE\nsix\n", 0],
    ["both, apart", "one\nTWO\nthree\nfour\nfive\nsix\n", "one\ntwo\nthree\nfour\nFIVE\nsix\n", "one\nTWO\nthree\nfour\nFIVE\nsix\n", 0],
    ["both the same way", "one\nTWO\nthree\nfour\nfive\nsix\n", "one\nTWO\nthree\nfour\nfive\nsix\n", "one\nTWO\nthree\nfour\nfive\nsix\n", 0],
    ["a line added by the user, one removed by the template", "zero\none\ntwo\nthree\nfour\nfive\nsix\n", "one\ntwo\nthree\nfour\nfive\n", "zero\none\ntwo\nthree\nfour\nfive\n", 0],
  ];
  it.each(cases)("%s", (_name, ours, theirs, expected, conflicts) => {
    expect(mergeThreeWay(base, ours, theirs)).toEqual({ text: expected, conflicts });
  });

  it("writes overlapping changes between labelled markers, with the base, losing neither side", () => {
    const { text, conflicts } = mergeThreeWay(base, "one\ntwo\nTHREE (mine)\nfour\nfive\nsix\n", "one\ntwo\nthree (new)\nfour\nfive\nsix\n");
    expect(conflicts).toBe(1);
    expect(text).toBe(
      [
        "one",
        "two",
        "<<<<<<< yours (on disk)",
        "THREE (mine)",
        "||||||| generated before",
        "three",
        "=======",
        "three (new)",
        ">>>>>>> generated now",
        "four",
        "five",
        "six",
        "",
      ].join("\n"),
    );
    expect(hasConflictMarkers(text)).toBe(true);
  });

  it("counts adjacent changes as overlapping (as git and GNU diff3 do)", () => {
    expect(mergeThreeWay(base, "one\nTWO\nthree\nfour\nfive\nsix\n", "one\ntwo\nTHREE\nfour\nfive\nsix\n").conflicts).toBe(1);
  });

  it("keeps the user's CRLF line endings", () => {
    const ours = withLineEndings("one\nTWO\nthree\nfour\nfive\nsix\n", "crlf");
    const { text, conflicts } = mergeThreeWay(base, ours, "one\ntwo\nthree\nfour\nfive\nSIX\n");
    expect(conflicts).toBe(0);
    expect(text).toBe("one\r\nTWO\r\nthree\r\nfour\r\nfive\r\nSIX\r\n");
  });

  it("settles overlaps for the new answers file and lists the user's lines it replaced", () => {
    const answersBase = "# comment\nserver:\n  port: 8815\n  logFormat: json\n";
    const ours = "# comment\n# why this port\nserver:\n  port: 8815 # keep\n  logFormat: json\n";
    const theirs = "# comment\nserver:\n  port: 8000\n  logFormat: json\n";
    expect(mergePreferTheirs(answersBase, ours, theirs)).toEqual({
      text: "# comment\n# why this port\nserver:\n  port: 8000\n  logFormat: json\n",
      replaced: ["  port: 8815 # keep"],
    });
  });
});

describe("conflict markers and line endings", () => {
  it.each([
    ["<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n", true],
    ["<<<<<<<\nx\n=======\ny\n>>>>>>>\n", true],
    ["Title\n=======\n", false],
    ["<<<<<<< a\nx\n", false],
    [">>>>>>> b\n=======\n<<<<<<< a\n", false],
    ["  <<<<<<< a\n  =======\n  >>>>>>> b\n", false],
  ])("%j has markers: %s", (text, expected) => {
    expect(hasConflictMarkers(text)).toBe(expected);
  });

  it.each([
    ["a\nb\n", "lf"],
    ["a\r\nb\r\n", "crlf"],
    ["a\r\nb\n", "lf"],
    ["no break", "lf"],
  ] as const)("%j uses %s", (text, endings) => {
    expect(lineEndingsOf(text)).toBe(endings);
  });

  it("converts only whole-CRLF text", () => {
    expect(toLf("a\r\nb\r\n")).toBe("a\nb\n");
    expect(toLf("a\r\nb\n")).toBe("a\r\nb\n");
    expect(withLineEndings("a\nb\n", "crlf")).toBe("a\r\nb\r\n");
  });
});
