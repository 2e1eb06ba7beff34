/**
 * The table of published fraiseql-server versions (src/server/releases.ts) and the answers that follow it:
 * server.source, server.version, build.rustVersion (the server's MSRV), build.cargoFeatures (the crate's
 * features), build.cargoPackage (workspace builds only) and schema.compile.
 */
import { describe, expect, it } from "vitest";
import { fields, type PartialAnswers, type ProjectFacts } from "../../src/answers/fields.js";
import { isActive, resolveAnswers } from "../../src/answers/resolve.js";
import { InvalidAnswersError } from "../../src/errors.js";
import { compareVersions, defaultServerVersion, knownServerVersions, serverRelease, serverReleases } from "../../src/server/releases.js";
import { facts } from "../helpers.js";

function problemsOf(given: PartialAnswers, detected: ProjectFacts = facts): string[] {
  try {
    resolveAnswers(given, detected, "test");
  } catch (error) {
    if (error instanceof InvalidAnswersError) return error.problems.map((p) => `${p.field}: ${p.rule}`);
    throw error;
  }
  return [];
}

const field = (key: string) => {
  const found = fields.find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
};

describe("compareVersions", () => {
  it.each([
    ["1.95.0", "1.95.0", 0],
    ["1.95", "1.95.0", 0],
    ["1.95.0", "1.95", 0],
    ["1.94.1", "1.95.0", -1],
    ["1.95.1", "1.95", 1],
    ["1.100.0", "1.95.0", 1],
    ["2.19.0", "2.9.0", 1],
    ["2", "1.99.99", 1],
    ["1.85", "1.95.0", -1],
  ])("%s vs %s -> %i", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });
});

describe("serverRelease", () => {
  it.each([
    ["2.19.0", true],
    ["2.18.0", false],
    ["2.19", false],
    ["2.19.0 ", false],
    ["v2.19.0", false],
    ["", false],
  ])("%j is a known release: %s", (version, known) => {
    expect(serverRelease(version) !== undefined).toBe(known);
  });

  it("2.19.0 needs Rust 1.95.0 and PostgreSQL 18, and has the features the answers can imply", () => {
    expect(serverRelease("2.19.0")).toMatchObject({ version: "2.19.0", rustVersion: "1.95.0", postgresMin: 18 });
    const features = serverRelease("2.19.0")?.features ?? [];
    for (const f of ["metrics", "tracing-opentelemetry", "redis-rate-limiting", "redis-apq", "redis-pkce", "auth", "cli"]) expect(features, f).toContain(f);
  });

  it("every row is complete: exact version, Rust version, PostgreSQL major, unique features, notes", () => {
    expect(serverReleases.length).toBeGreaterThan(0);
    expect(new Set(serverReleases.map((r) => r.version)).size).toBe(serverReleases.length);
    for (const r of serverReleases) {
      expect(r.version, r.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r.rustVersion, r.version).toMatch(/^\d+\.\d+(\.\d+)?$/);
      expect(Number.isInteger(r.postgresMin) && r.postgresMin >= 14, r.version).toBe(true);
      expect(new Set(r.features).size, r.version).toBe(r.features.length);
      for (const f of r.features) expect(f, r.version).toMatch(/^[a-z0-9-]+$/);
      expect(r.notes.length, r.version).toBeGreaterThan(20);
    }
  });

  it("the default version has a row, and the list of known versions names every row", () => {
    expect(serverRelease(defaultServerVersion)).toBeDefined();
    expect(knownServerVersions()).toBe(serverReleases.map((r) => r.version).join(", "));
    expect(knownServerVersions()).toContain("2.19.0");
  });
});

describe("answers that follow the server version: defaults", () => {
  const workspace219: ProjectFacts = { ...facts, serverWorkspace: { version: "2.19.0" } };
  it.each<[string, PartialAnswers, ProjectFacts, { source: string; version: string; rust: string }]>([
    ["an application repository: the published server, its MSRV", {}, facts, { source: "crates", version: "2.19.0", rust: "1.95.0" }],
    ["a Rust project of its own (not the server): the server's MSRV, not the project's Rust", {}, { ...facts, rustVersion: "1.97.0" }, { source: "crates", version: "2.19.0", rust: "1.95.0" }],
    ["a server workspace: its version", {}, workspace219, { source: "workspace", version: "2.19.0", rust: "1.95.0" }],
    ["a server workspace on a newer Rust: the workspace's Rust", {}, { ...workspace219, rustVersion: "1.96.1" }, { source: "workspace", version: "2.19.0", rust: "1.96.1" }],
    ["a server workspace on an older Rust: the MSRV", {}, { ...workspace219, rustVersion: "1.85" }, { source: "workspace", version: "2.19.0", rust: "1.95.0" }],
    ["a server workspace without a version: the default version", {}, { ...facts, serverWorkspace: {} }, { source: "workspace", version: "2.19.0", rust: "1.95.0" }],
    ["workspace chosen by hand: the detected Rust when newer", { "server.source": "workspace" }, { ...facts, rustVersion: "1.97" }, { source: "workspace", version: "2.19.0", rust: "1.97" }],
    ["crates chosen by hand in a server workspace: the MSRV", { "server.source": "crates" }, { ...workspace219, rustVersion: "1.96.1" }, { source: "crates", version: "2.19.0", rust: "1.95.0" }],
  ])("%s", (_name, given, detected, expected) => {
    const answers = resolveAnswers(given, detected, "test");
    expect({ source: answers.server.source, version: answers.server.version, rust: answers.build.rustVersion }).toEqual(expected);
  });

  it("build.cargoPackage applies to workspace builds only, schema.compile to a schema in the image only", () => {
    expect(isActive(field("build.cargoPackage"), { "server.source": "crates" })).toBe(false);
    expect(isActive(field("build.cargoPackage"), { "server.source": "workspace" })).toBe(true);
    for (const source of ["configmap", "secret"]) expect(isActive(field("schema.compile"), { "schema.source": source }), source).toBe(false);
    expect(isActive(field("schema.compile"), { "schema.source": "image" })).toBe(true);
  });
});

describe("answers that follow the server version: rules", () => {
  const features219 = serverRelease("2.19.0")?.features.join(", ") ?? "";

  it.each<[string, PartialAnswers, string]>([
    ["an unknown server version, naming the known ones", { "server.version": "2.18.0" }, "server.version: is not a fraiseql-server version this fraiseql-deploy knows (it knows 2.19.0)"],
    ["a server version that is not exact", { "server.version": "2.19" }, "server.version: must be an exact version such as 2.19.0"],
    ["a range", { "server.version": "^2.19.0" }, "server.version: must be an exact version such as 2.19.0"],
    ["an unknown source", { "server.source": "git" }, "server.source: must be one of: crates, workspace"],
    [
      "Rust below the MSRV, naming the server version and the Rust it needs",
      { "build.rustVersion": "1.94.1" },
      'build.rustVersion: must be at least 1.95.0: fraiseql-server 2.19.0 declares rust-version = "1.95.0" and does not compile with Rust 1.94.1',
    ],
    ["Rust below the MSRV, short form", { "build.rustVersion": "1.94" }, "build.rustVersion: must be at least 1.95.0: fraiseql-server 2.19.0"],
    [
      "a feature the published crate lacks, listing its features",
      { "build.cargoFeatures": ["metrics", "postgres-extras"] },
      `build.cargoFeatures: names postgres-extras, which fraiseql-server 2.19.0 does not have (its features: ${features219})`,
    ],
    ["every missing feature at once", { "build.cargoFeatures": ["bogus", "metrics", "other"] }, "build.cargoFeatures: names bogus, other, which fraiseql-server 2.19.0 does not have"],
    ["schema.compile that is not a boolean", { "schema.compile": "yes" }, "schema.compile: must be true or false"],
  ])("refuses %s", (_name, given, expected) => {
    const problems = problemsOf(given);
    expect(problems.join("\n")).toContain(expected);
  });

  it("an unknown server version is the only problem reported (the rules that need its row wait for it)", () => {
    expect(problemsOf({ "server.version": "9.9.9", "build.rustVersion": "1.0.0", "build.cargoFeatures": ["bogus"] })).toEqual([
      "server.version: is not a fraiseql-server version this fraiseql-deploy knows (it knows 2.19.0)",
    ]);
  });

  it.each<[string, PartialAnswers]>([
    ["the MSRV itself", { "build.rustVersion": "1.95.0" }],
    ["the MSRV in short form", { "build.rustVersion": "1.95" }],
    ["a newer Rust, compared as numbers", { "build.rustVersion": "1.100.0" }],
    ["features of the published crate", { "build.cargoFeatures": ["metrics", "tracing-opentelemetry"], "tracing.otlpEndpoint": "http://otel:4318/v1/traces" }],
    // A workspace builds its own code: its rust-version (enforced by cargo) and its own features rule there.
    ["a workspace on an older Rust", { "server.source": "workspace", "build.rustVersion": "1.85" }],
    ["a workspace with features of its own", { "server.source": "workspace", "build.cargoFeatures": ["my-own-feature"] }],
    ["a workspace package of another name", { "server.source": "workspace", "build.cargoPackage": "my-fraiseql" }],
    ["schema.compile with the schema mounted (inactive)", { "schema.source": "configmap", "schema.compile": true }],
  ])("accepts %s", (_name, given) => {
    expect(problemsOf(given)).toEqual([]);
  });

  it("the tracing and Redis rules still come first in crates mode", () => {
    expect(problemsOf({ "redis.enabled": true, "build.cargoFeatures": ["bogus"] }).join("\n")).toContain("build.cargoFeatures: must include redis-rate-limiting, redis-apq, redis-pkce");
  });
});

describe("schema.compile and schema.path defaults follow what the repository holds", () => {
  it.each<[string, Partial<ProjectFacts>, PartialAnswers, { compile: boolean; path: string }]>([
    ["nothing yet: compile schema.json", {}, {}, { compile: true, path: "schema.json" }],
    ["the authoring output only", { schemaSourcePath: "schema.json" }, {}, { compile: true, path: "schema.json" }],
    ["the authoring output in a folder", { schemaSourcePath: "schema/schema.json" }, {}, { compile: true, path: "schema/schema.json" }],
    ["a compiled schema only: bake it in", { schemaPath: "schema.compiled.json" }, {}, { compile: false, path: "schema.compiled.json" }],
    ["a compiled schema in build/", { schemaPath: "build/schema.compiled.json" }, {}, { compile: false, path: "build/schema.compiled.json" }],
    ["both: compile the source", { schemaPath: "schema.compiled.json", schemaSourcePath: "schema.json" }, {}, { compile: true, path: "schema.json" }],
    ["compile turned off: the compiled schema", { schemaSourcePath: "schema.json" }, { "schema.compile": false }, { compile: false, path: "schema.compiled.json" }],
    ["a mounted schema is the compiled one", { schemaSourcePath: "schema.json" }, { "schema.source": "secret" }, { compile: true, path: "schema.compiled.json" }],
  ])("%s", (_name, detected, given, expected) => {
    const answers = resolveAnswers(given, { ...facts, ...detected }, "test");
    expect({ compile: answers.schema.compile, path: answers.schema.path }).toEqual(expected);
  });
});
