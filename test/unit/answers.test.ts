import { describe, expect, it } from "vitest";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fields } from "../../src/answers/fields.js";
import { detectProject } from "../../src/answers/detect.js";
import { parseAnswersText, serializeAnswers } from "../../src/answers/file.js";
import { coerceText, missingRequired, parseSetFlags, resolveAnswers } from "../../src/answers/resolve.js";
import { InvalidAnswersError } from "../../src/errors.js";
import { answersWith, facts, maximalAnswers, sampleSchemaJson, tempDir, writeServerWorkspace } from "../helpers.js";

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidAnswersError) return error.problems.map((p) => `${p.field}: ${p.rule}`);
    throw error;
  }
  return [];
}

describe("answers schema", () => {
  it("has unique keys, help text and a valid default for every field", () => {
    const keys = fields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const field of fields) expect(field.help.length, field.key).toBeGreaterThan(10);
    expect(() => answersWith()).not.toThrow();
  });

  it("takes the seed's defaults", () => {
    const a = answersWith();
    expect(a.server.port).toBe(8815);
    expect(a.build.platforms).toEqual(["linux/amd64", "linux/arm64"]);
    expect(a.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } });
    expect(a.replicas).toBe(3);
    expect(a.app.name).toBe("acme-api");
  });

  it.each([
    [{ "app.name": "Acme_API" }, "app.name: must be a DNS-1123 label"],
    [{ "app.namespace": "default" }, "app.namespace: must not be 'default'"],
    [{ "image.repository": "fraiseql" }, "image.repository: must be registry/path"],
    [{ "image.tag": "latest" }, "image.tag: must not be 'latest'"],
    [{ "server.port": 80 }, "server.port: must be at least 1024"],
    [{ "server.port": "8815" }, "server.port: must be a whole number"],
    [{ "build.platforms": [] }, "build.platforms: needs at least 1 item"],
    [{ "build.platforms": ["linux/s390x"] }, 'build.platforms: item "linux/s390x" must be one of'],
    [{ "build.rustVersion": "stable" }, "build.rustVersion: must be a Rust version"],
    [{ "cors.enabled": true, "cors.origins": [] }, "cors.origins: needs at least one origin"],
    [{ "cors.enabled": true, "cors.origins": ["https://a.dev/path"] }, 'cors.origins: item "https://a.dev/path" must be an origin'],
    [{ "autoscaling.enabled": true, "autoscaling.minReplicas": 5, "autoscaling.maxReplicas": 5 }, "autoscaling.maxReplicas: must be greater than autoscaling.minReplicas"],
    [{ "resources.limits.memory": "256Mi" }, "resources.limits.memory: must be at least resources.requests.memory"],
    [{ "resources.requests.cpu": "lots" }, "resources.requests.cpu: must be a CPU quantity"],
    [{ "tracing.otlpEndpoint": "http://otel:4318/v1/traces", "build.cargoFeatures": [] }, "build.cargoFeatures: must include tracing-opentelemetry"],
    [{ "kubernetes.version": "1.20" }, "kubernetes.version: must be one of"],
    [{ "networkPolicy.databaseCidrs": ["10.0.0.0"] }, 'networkPolicy.databaseCidrs: item "10.0.0.0" must be a CIDR'],
    [{ "ingress.enabled": true, "ingress.host": "api.example.com:443" }, "ingress.host: must be a DNS-1123 subdomain"],
    [{ profile: "paranoid" }, "profile: must be one of: hardened, standard"],
  ])("rejects %j naming the field and the rule", (given, expected) => {
    const problems = problemsOf(() => resolveAnswers(given, facts, "test"));
    expect(problems.join("\n")).toContain(expected);
  });

  it("reports every problem at once", () => {
    expect(problemsOf(() => resolveAnswers({ "server.port": 1, "image.tag": "latest" }, facts, "t"))).toHaveLength(2);
  });

  it("keeps inactive answers but applies their rules only when active", () => {
    expect(() => resolveAnswers({ "cors.enabled": false, "cors.origins": [] }, facts, "t")).not.toThrow();
  });

  it("derives cargo features from tracing and Redis", () => {
    const a = answersWith({ "redis.enabled": true, "tracing.otlpEndpoint": "http://otel:4318/v1/traces" });
    expect(a.build.cargoFeatures).toEqual(["tracing-opentelemetry", "redis-rate-limiting", "redis-apq", "redis-pkce"]);
  });

  it("lists the questions a script must answer when nothing can ask", () => {
    const missing = missingRequired({}, facts);
    expect(missing).toContain("app.name");
    expect(missing).not.toContain("server.logFormat");
    expect(missing).not.toContain("ingress.host");
    expect(missingRequired({ "ingress.enabled": true }, facts)).toContain("ingress.host");
    // Whether the image compiles the schema is asked when the image holds it; where the server comes from is advanced.
    expect(missing).toContain("schema.compile");
    expect(missingRequired({ "schema.source": "secret" }, facts)).not.toContain("schema.compile");
    for (const key of ["server.source", "server.version", "build.cargoPackage"]) expect(missing).not.toContain(key);
  });
});

describe("--set", () => {
  it.each([
    ["server.port=9000", { "server.port": 9000 }],
    ["ingress.enabled=yes", { "ingress.enabled": true }],
    ["build.platforms=linux/amd64,linux/arm64", { "build.platforms": ["linux/amd64", "linux/arm64"] }],
    ["cors.origins=[https://a.dev, https://b.dev]", { "cors.origins": ["https://a.dev", "https://b.dev"] }],
    ["app.description=a=b: c", { "app.description": "a=b: c" }],
  ])("parses %s", (flag, expected) => {
    expect(parseSetFlags([flag])).toEqual(expected);
  });

  it.each([
    ["server.port=abc", "server.port: must be a whole number"],
    ["ingress.enabled=maybe", "ingress.enabled: must be true or false"],
    ["image.tagg=1", "image.tagg: is not a known answer; did you mean image.tag?"],
    ["replicas", "replicas: --set needs key=value"],
  ])("rejects %s", (flag, expected) => {
    expect(problemsOf(() => parseSetFlags([flag])).join("\n")).toContain(expected);
  });

  it("coerces booleans generously", () => {
    const field = fields.find((f) => f.key === "ingress.enabled");
    expect(field && coerceText(field, "off")).toBe(false);
  });
});

describe("answers file", () => {
  it("round-trips every answer", () => {
    const answers = answersWith(maximalAnswers);
    const text = serializeAnswers(answers, "1.2.3");
    expect(resolveAnswers(parseAnswersText(text, "f"), facts, "f")).toEqual(answers);
  });

  it.each([
    ["app: [unclosed", "(file): is not valid YAML"],
    ["- a\n- b", "(file): must be a YAML mapping"],
    ["app:\n  nmae: x", "app.nmae: is not a known answer; did you mean app.name?"],
    ["version: 7", "version: must be 1"],
    ["server:\n  port: true", ""],
  ])("reports %j", (text, expected) => {
    const problems = problemsOf(() => resolveAnswers(parseAnswersText(text, "answers.yaml"), facts, "answers.yaml"));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toContain(expected);
  });
});

describe("project detection", () => {
  it("reads the Rust version, crate version, GitHub owner and schema path", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "rust-toolchain.toml"), '[toolchain]\nchannel = "1.95.0"\n');
    await writeFile(path.join(dir, "Cargo.toml"), '[workspace]\nmembers = []\n[workspace.package]\nversion = "2.16.1"\nrust-version = "1.94.1"\n');
    await mkdir(path.join(dir, ".git"));
    await writeFile(path.join(dir, ".git", "config"), '[remote "origin"]\n\turl = git@github.com:Acme-Corp/api.git\n');
    await writeFile(path.join(dir, "schema.compiled.json"), "{}");
    expect(await detectProject(dir)).toMatchObject({ rustVersion: "1.95.0", crateVersion: "2.16.1", gitOwner: "acme-corp", schemaPath: "schema.compiled.json" });
  });

  it("falls back to Cargo.toml rust-version and ignores broken files", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "rust-toolchain.toml"), "not = [toml");
    await writeFile(path.join(dir, "Cargo.toml"), '[package]\nname = "x"\nversion = "0.3.0"\nrust-version = "1.94"\n');
    const detected = await detectProject(dir);
    expect(detected).toMatchObject({ rustVersion: "1.94", crateVersion: "0.3.0" });
    expect(detected.serverWorkspace).toBeUndefined();
    // Not the server's workspace: the image builds the published server, whose MSRV rules the builder.
    expect(resolveAnswers({}, detected, "t").build.rustVersion).toBe("1.95.0");
    // The same Rust version drives a workspace build when it is at least the MSRV.
    expect(resolveAnswers({ "server.source": "workspace" }, { ...detected, rustVersion: "1.96" }, "t").build.rustVersion).toBe("1.96");
  });

  it.each<[string, (dir: string) => Promise<void>, { version?: string } | undefined]>([
    ["members glob, version inherited from [workspace.package]", (dir) => writeServerWorkspace(dir, { workspaceVersion: "2.19.0" }), { version: "2.19.0" }],
    ["members listed by path, version of its own", (dir) => writeServerWorkspace(dir, { members: ["server"], memberDir: "server", memberVersion: "2.19.0", workspaceVersion: "9.9.9" }), { version: "2.19.0" }],
    ["members glob over several folders", (dir) => writeServerWorkspace(dir, { members: ["libs/*", "apps/*"], memberDir: "apps/fraiseql-server", workspaceVersion: "2.19.0" }), { version: "2.19.0" }],
    ["no version anywhere", (dir) => writeServerWorkspace(dir), {}],
    [
      "the package at the root",
      (dir) => writeFile(path.join(dir, "Cargo.toml"), '[package]\nname = "fraiseql-server"\nversion = "2.19.0"\nedition = "2024"\n'),
      { version: "2.19.0" },
    ],
    [
      "the package at the root of its own workspace, version from [workspace.package]",
      (dir) => writeFile(path.join(dir, "Cargo.toml"), '[workspace]\nmembers = []\n[workspace.package]\nversion = "2.19.0"\n[package]\nname = "fraiseql-server"\nversion.workspace = true\n'),
      { version: "2.19.0" },
    ],
    ["a workspace without the server", (dir) => writeServerWorkspace(dir, { packageName: "acme-api", workspaceVersion: "2.19.0" }), undefined],
    ["a server folder the workspace does not list", (dir) => writeServerWorkspace(dir, { members: ["api"], workspaceVersion: "2.19.0" }), undefined],
    ["a members glob over a missing folder", (dir) => writeFile(path.join(dir, "Cargo.toml"), '[workspace]\nmembers = ["crates/*"]\n'), undefined],
    ["a broken member manifest", async (dir) => {
      await writeServerWorkspace(dir, { workspaceVersion: "2.19.0" });
      await writeFile(path.join(dir, "crates", "fraiseql-server", "Cargo.toml"), "[package\nname = ");
    }, undefined],
    ["no Cargo.toml at all", async () => {}, undefined],
  ])("finds the server's Cargo workspace: %s", async (_name, setUp, expected) => {
    const dir = await tempDir();
    await setUp(dir);
    const detected = await detectProject(dir);
    expect(detected.serverWorkspace).toEqual(expected);
    const answers = resolveAnswers({}, detected, "t");
    expect(answers.server.source).toBe(expected ? "workspace" : "crates");
    expect(answers.server.version).toBe(expected?.version ?? "2.19.0");
  });

  it.each<[string, string[], { schemaPath?: string; schemaSourcePath?: string }, { compile: boolean; path: string }]>([
    ["schema.json", ["schema.json"], { schemaSourcePath: "schema.json" }, { compile: true, path: "schema.json" }],
    ["schema/schema.json", ["schema/schema.json"], { schemaSourcePath: "schema/schema.json" }, { compile: true, path: "schema/schema.json" }],
    ["schema.compiled.json", ["schema.compiled.json"], { schemaPath: "schema.compiled.json" }, { compile: false, path: "schema.compiled.json" }],
    ["build/schema.compiled.json", ["build/schema.compiled.json"], { schemaPath: "build/schema.compiled.json" }, { compile: false, path: "build/schema.compiled.json" }],
    ["both, in the root", ["schema.json", "schema.compiled.json"], { schemaPath: "schema.compiled.json", schemaSourcePath: "schema.json" }, { compile: true, path: "schema.json" }],
    ["neither", ["README.md"], {}, { compile: true, path: "schema.json" }],
  ])("finds the schema (%s) and defaults schema.compile and schema.path from it", async (_name, files, found, expected) => {
    const dir = await tempDir();
    for (const file of files) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), sampleSchemaJson);
    }
    const detected = await detectProject(dir);
    expect({ schemaPath: detected.schemaPath, schemaSourcePath: detected.schemaSourcePath }).toEqual({ schemaPath: undefined, schemaSourcePath: undefined, ...found });
    const answers = resolveAnswers({}, detected, "t");
    expect({ compile: answers.schema.compile, path: answers.schema.path }).toEqual(expected);
  });
});
