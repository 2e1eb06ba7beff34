import { brotliCompressSync, brotliDecompressSync, constants as zlib } from "node:zlib";
import { describe, expect, it } from "vitest";
import { flatten } from "../../../src/answers/resolve.js";
import { sha256Hex } from "../../../src/generate/hash.js";
import { buildRecord, parseRecord, RECORD_FILE, serializeRecord, type GenerationRecord } from "../../../src/record/record.js";
import { answersWith, treeWith } from "../../helpers.js";

const tree = new Map([
  ["a.yaml", { content: "a: 1\n", mode: 0o644 }],
  ["tools/x.sh", { content: "#!/bin/sh\necho x\n", mode: 0o755 }],
]);
const record = (): GenerationRecord => buildRecord({ toolVersion: "1.2.3", templates: "sha256:t", answers: { "app.name": "x" }, base: tree });

describe("the record of generated files", () => {
  it("round-trips: digests, modes, answers and the base text", () => {
    const parsed = parseRecord(serializeRecord(record()));
    expect(parsed.generatedBy).toBe("1.2.3");
    expect(parsed.templates).toBe("sha256:t");
    expect(parsed.answers).toEqual({ "app.name": "x" });
    expect([...parsed.files]).toEqual([
      ["a.yaml", { sha256: sha256Hex("a: 1\n"), mode: 0o644 }],
      ["tools/x.sh", { sha256: sha256Hex("#!/bin/sh\necho x\n"), mode: 0o755 }],
    ]);
    expect([...parsed.base()]).toEqual([
      ["a.yaml", "a: 1\n"],
      ["tools/x.sh", "#!/bin/sh\necho x\n"],
    ]);
  });

  it("is the same text for the same input, and reuses the encoded base when the content did not change", () => {
    expect(serializeRecord(record())).toBe(serializeRecord(record()));
    // Another zlib may compress the same texts differently: an encoding that decodes to them is kept byte for byte.
    const text = serializeRecord(record());
    const json = brotliDecompressSync(Buffer.from((JSON.parse(text) as { base: string }).base.slice(3), "base64"));
    const otherEncoding = `br:${brotliCompressSync(json, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).toString("base64")}`;
    const previous = parseRecord(text.replace(/"base": "[^"]+"/, `"base": "${otherEncoding}"`));
    expect(previous.encodedBase).not.toBe(record().encodedBase);
    const next = buildRecord({ toolVersion: "1.2.3", templates: "sha256:t", answers: {}, base: tree, previous });
    expect(next.encodedBase).toBe(otherEncoding);
    const changed = buildRecord({ toolVersion: "1.2.3", templates: "sha256:t", answers: {}, base: new Map([["a.yaml", { content: "a: 2\n", mode: 0o644 }]]), previous });
    expect(changed.encodedBase).not.toBe(previous.encodedBase);
    expect(changed.base().get("a.yaml")).toBe("a: 2\n");
  });

  it("never records itself", () => {
    const withSelf = buildRecord({ toolVersion: "1", templates: "t", answers: {}, base: new Map([...tree, [RECORD_FILE, { content: "{}", mode: 0o644 }]]) });
    expect(withSelf.files.has(RECORD_FILE)).toBe(false);
  });

  it("stays small and holds no machine state for the default tree", async () => {
    const answers = answersWith();
    const text = serializeRecord(buildRecord({ toolVersion: "0.0.0-test", templates: "sha256:t", answers: flatten(answers), base: await treeWith() }));
    // ~260 KB of generated text; the record is about a third of that.
    expect(text.length).toBeLessThan(100_000);
    expect(text).not.toMatch(/\/tmp\/|\/home\/|\/root\/|[A-Z]:\\\\/);
    expect(parseRecord(text).base().size).toBe((await treeWith()).size);
  });

  const damaged: [string, (text: string) => string, RegExp][] = [
    ["not JSON", () => "{", /is not valid JSON/],
    ["not an object", () => "[]", /must be a JSON object/],
    ["another format", (t) => t.replace('"format": 1', '"format": 2'), /has format 2; this fraiseql-deploy reads format 1/],
    ["a bad digest", (t) => t.replace(sha256Hex("a: 1\n"), "xyz"), /files\.a\.yaml must be/],
    ["a bad mode", (t) => t.replace('"0755"', '"755"'), /files\.tools\/x\.sh must be/],
    ["a path outside the repository", (t) => t.replace('"a.yaml": {', '"../a.yaml": {'), /stay inside it/],
    ["a base that does not decode", (t) => t.replace(/"base": "br:[^"]+"/, '"base": "br:AAAA"'), /base does not decode/],
    ["a digest that does not match the base", (t) => t.replace(sha256Hex("a: 1\n"), sha256Hex("a: 2\n")), /base text of a\.yaml does not match/],
  ];
  it.each(damaged)("refuses a record with %s, naming the file and the way out", (_name, damage, rule) => {
    const text = damage(serializeRecord(record()));
    const read = (): unknown => parseRecord(text).base();
    expect(read).toThrow(rule);
    expect(read).toThrow(/fraiseql-deploy\.record\.json: .*restore it from version control/);
  });
});
