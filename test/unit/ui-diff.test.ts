import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/ui/diff.js";

describe("unified diffs", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n", { from: "a/x", to: "b/x" })).toBe("");
  });

  it("prints git-style hunks with three lines of context", () => {
    const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const after = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
    expect(unifiedDiff(before, after, { from: "a/x", to: "b/x" })).toBe("--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
  });

  it("shows a new file against /dev/null and a missing final newline", () => {
    expect(unifiedDiff("", "x\ny", { from: null, to: "b/x" })).toBe("--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n");
  });

  it("colors like git on a terminal, and content lines starting with --- stay content", () => {
    const colored = unifiedDiff("--- a\nkeep\n", "+++ b\nkeep\n", { from: "a/x", to: "b/x", color: true });
    expect(colored.split("\n")).toEqual(["\u001b[1m--- a/x\u001b[22m", "\u001b[1m+++ b/x\u001b[22m", "\u001b[36m@@ -1,2 +1,2 @@\u001b[39m", "\u001b[31m---- a\u001b[39m", "\u001b[32m++++ b\u001b[39m", " keep", ""]);
  });

  it("handles files of thousands of lines (the hand-written LCS it replaces was quadratic in memory)", () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10000", "changed");
    expect(unifiedDiff(before, after, { from: "a/x", to: "b/x" })).toContain("-line 10000\n+changed\n");
  });
});
