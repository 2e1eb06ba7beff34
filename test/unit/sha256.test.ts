import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { sha256Hex } from "../../src/generate/sha256.js";

const reference = (text: string) => createHash("sha256").update(text).digest("hex");

describe("sha256Hex", () => {
  it.each(["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "a".repeat(1000), "café ☕ 日本語 🚀"])("matches node:crypto for %j", (text) => {
    expect(sha256Hex(text)).toBe(reference(text));
  });

  it("matches node:crypto for random text", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => sha256Hex(text) === reference(text)));
  });
});
