/**
 * Random valid answers, hostile text included, must always yield a tree in
 * which every file parses and every Kubernetes object validates.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { fields } from "../../src/answers/fields.js";
import { resolveAnswers } from "../../src/answers/resolve.js";
import { checkTree } from "../../src/generate/check.js";
import { renderTree } from "../../src/generate/tree.js";
import { facts } from "../helpers.js";
import { answersArb } from "./arbitraries.js";

describe("property: any valid answers give a valid tree", () => {
  it("every file parses and every Kubernetes object validates", async () => {
    expect(fields.length).toBeGreaterThan(40);
    await fc.assert(
      fc.asyncProperty(answersArb, async (given) => {
        const answers = resolveAnswers(given, facts, "property");
        const tree = await renderTree(answers, "0.0.0-test");
        expect(checkTree(tree, answers.kubernetes.version)).toEqual([]);
        for (const [p, file] of tree) {
          if (p.includes("/helm/fraiseql/templates/")) continue;
          if (/\.ya?ml$/.test(p)) expect(() => yaml.loadAll(file.content), p).not.toThrow();
          if (p.endsWith(".toml")) expect(() => parseToml(file.content), p).not.toThrow();
          if (p.endsWith(".json")) expect(() => JSON.parse(file.content) as unknown, p).not.toThrow();
          expect(file.content, p).not.toMatch(/&(quot|amp|lt|gt|#x27);/);
        }
        // Both Dockerfiles share their build stages byte for byte (the second image build is a cache hit), and
        // the pin manifest exists exactly when the image builds the published server.
        const buildStages = (text: string, stage: string): string =>
          text.slice(text.indexOf("\n# ---"), text.lastIndexOf("\n\n# ---", text.search(new RegExp(`\\nFROM [^\\n]* AS ${stage}\\n`))));
        const standard = buildStages(tree.get("Dockerfile")?.content ?? "", "rootfs");
        expect(standard).toContain(" AS builder\n");
        expect(buildStages(tree.get("deploy/docker/Dockerfile.hardened")?.content ?? "", "runtime")).toBe(standard);
        expect(standard.includes(" AS schema\n")).toBe(answers.schema.source === "image" && answers.schema.compile);
        expect(tree.has("deploy/fraiseql/server/Cargo.toml")).toBe(answers.server.source === "crates");
        const description = String(given["app.description"]);
        const chart = yaml.load(tree.get("deploy/kubernetes/helm/fraiseql/Chart.yaml")?.content ?? "") as { description?: string } | undefined;
        if (chart?.description !== undefined && description.trim() !== "") expect(chart.description).toBe(description);
      }),
      { numRuns: 60 },
    );
  });
});
