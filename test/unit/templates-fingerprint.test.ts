import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { releaseTemplates } from "../../src/generate/tree.js";
import { repoRoot } from "../helpers.js";
import { previousTemplates } from "../upgrade-helpers.js";

describe("the templates' fingerprint", () => {
  it("is the same from the sources (tests) and from the package's compiled bundle", async () => {
    const bundle = (await import(pathToFileURL(path.join(repoRoot, "dist", "templates.js")).href)) as { fingerprint: string };
    expect(bundle.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await releaseTemplates()).fingerprint).toBe(bundle.fingerprint);
  });

  it("tells the frozen previous release from today's", async () => {
    expect((await previousTemplates()).fingerprint).not.toBe((await releaseTemplates()).fingerprint);
  });
});
