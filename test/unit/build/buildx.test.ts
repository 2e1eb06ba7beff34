import { describe, expect, it } from "vitest";
import {
  buildxArgs,
  formatCommand,
  hasCredentials,
  parseBuildxInspect,
  platformProblem,
  registryOf,
  withoutSyntaxDirective,
  type BuildRequest,
} from "../../../src/tools/buildx.js";
import { planBuild, preflight } from "../../../src/commands/build.js";
import type { Exec, ExecResult } from "../../../src/tools/exec.js";
import { UsageError, ToolError } from "../../../src/errors.js";
import { answersWith } from "../../helpers.js";

const base: BuildRequest = {
  dockerfile: "/r/Dockerfile",
  context: "/r",
  platforms: ["linux/amd64"],
  tags: ["ghcr.io/acme/api:1.0.0"],
  output: "none",
  sbom: false,
  provenance: false,
  cacheFrom: [],
  cacheTo: [],
  buildArgs: [],
};

describe("buildxArgs", () => {
  it.each<[string, Partial<BuildRequest>, string]>([
    ["defaults", {}, "buildx build --file /r/Dockerfile --platform linux/amd64 --tag ghcr.io/acme/api:1.0.0 /r"],
    ["platforms", { platforms: ["linux/amd64", "linux/arm64"] }, "--platform linux/amd64,linux/arm64"],
    ["several tags", { tags: ["a/b:1", "a/b:2"] }, "--tag a/b:1 --tag a/b:2"],
    ["push", { output: "push" }, "--push"],
    ["load", { output: "load" }, "--load"],
    ["sbom", { sbom: true }, "--sbom=true"],
    ["provenance", { provenance: true }, "--provenance=mode=max"],
    ["cache", { cacheFrom: ["type=gha"], cacheTo: ["type=gha,mode=max"] }, "--cache-from type=gha --cache-to type=gha,mode=max"],
    ["build args", { buildArgs: ["CARGO_FEATURES=metrics", "RUST_VERSION=1.95.0"] }, "--build-arg CARGO_FEATURES=metrics --build-arg RUST_VERSION=1.95.0"],
    ["metadata file", { metadataFile: "/tmp/m.json" }, "--metadata-file /tmp/m.json"],
  ])("%s", (_name, change, expected) => {
    const args = buildxArgs({ ...base, ...change }).join(" ");
    expect(args).toContain(expected);
    expect(args.endsWith(" /r")).toBe(true);
  });

  it("quotes only words that need it", () => {
    expect(formatCommand("docker", ["--build-arg", "A=b c", "x'y"])).toBe("docker --build-arg 'A=b c' 'x'\\''y'");
  });
});

describe("planBuild (the options of build --dry-run)", () => {
  const answers = answersWith({ "image.repository": "ghcr.io/acme/api", "image.tag": "1.2.3" });
  it.each<[string, Record<string, unknown>, Partial<BuildRequest>]>([
    ["platforms from the answers", {}, { platforms: ["linux/amd64", "linux/arm64"], tags: ["ghcr.io/acme/api:1.2.3"], dockerfile: "/r/Dockerfile" }],
    ["--platforms", { platforms: "linux/arm64" }, { platforms: ["linux/arm64"] }],
    ["--hardened", { hardened: true }, { dockerfile: "/r/deploy/docker/Dockerfile.hardened", tags: ["ghcr.io/acme/api:1.2.3-hardened"] }],
    ["--tag", { tag: ["reg.local/x:dev"] }, { tags: ["reg.local/x:dev"] }],
    ["--load", { load: true, platforms: "linux/amd64" }, { output: "load" }],
    ["--push with attestations", { push: true, sbom: true, provenance: true }, { output: "push", sbom: true, provenance: true }],
    ["--cache-from/--cache-to", { cacheFrom: ["type=local,src=/c"], cacheTo: ["type=local,dest=/c"] }, { cacheFrom: ["type=local,src=/c"], cacheTo: ["type=local,dest=/c"] }],
    ["--build-arg", { buildArg: ["CARGO_FEATURES=metrics"] }, { buildArgs: ["CARGO_FEATURES=metrics"] }],
  ])("%s", (_name, options, expected) => {
    expect(planBuild(options, answers, "/r")).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["--load with several platforms", { load: true }, "--load takes one platform, but 2 were requested"],
    ["--push with --load", { push: true, load: true }, "--push and --load cannot be used together"],
    ["attestations without push", { sbom: true }, "attestations are kept only when pushing"],
    ["unknown platform", { platforms: "linux/s390x" }, "--platforms: linux/s390x not supported"],
    ["malformed build arg", { buildArg: ["no-equals"] }, "--build-arg no-equals: must be NAME=value"],
  ])("rejects %s", (_name, options, message) => {
    expect(() => planBuild(options, answers, "/r")).toThrow(UsageError);
    expect(() => planBuild(options, answers, "/r")).toThrow(message);
  });
});

describe("buildx inspect and platform support", () => {
  const inspect = `Name:          default
Driver:        docker
Last Activity: 2026-11-29 04:00:00 +0000 UTC

Nodes:
Name:      default
Endpoint:  default
Status:    running
BuildKit:  v0.12.5
Platforms: linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386
`;
  it("parses the driver and platforms", () => {
    expect(parseBuildxInspect(inspect)).toEqual({ name: "default", driver: "docker", platforms: ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/386"] });
  });
  it.each<[string[], string | undefined]>([
    [["linux/amd64"], undefined],
    [["linux/arm64"], "cannot build linux/arm64"],
  ])("checks %j", (requested, expected) => {
    const problem = platformProblem(requested, parseBuildxInspect(inspect));
    if (expected) expect(problem).toContain(expected);
    else expect(problem).toBeUndefined();
  });
  it("rejects several platforms on the docker driver", () => {
    expect(platformProblem(["linux/amd64", "linux/arm64"], { driver: "docker", platforms: ["linux/amd64", "linux/arm64"] })).toContain('"docker" driver');
  });
});

describe("registry credentials", () => {
  it.each<[string, string]>([
    ["ghcr.io/acme/api:1", "ghcr.io"],
    ["localhost:5000/api:1", "localhost:5000"],
    ["acme/api:1", "docker.io"],
    ["api:1", "docker.io"],
  ])("registry of %s is %s", (ref, registry) => {
    expect(registryOf(ref)).toBe(registry);
  });
  it.each<[unknown, string, boolean]>([
    [{ auths: { "ghcr.io": {} } }, "ghcr.io", true],
    [{ auths: { "https://index.docker.io/v1/": {} } }, "docker.io", true],
    [{ credHelpers: { "ghcr.io": "gh" } }, "ghcr.io", true],
    [{ credsStore: "desktop" }, "ghcr.io", true],
    [{ auths: { "quay.io": {} } }, "ghcr.io", false],
    [{}, "ghcr.io", false],
  ])("%j has credentials for %s: %s", (config, registry, expected) => {
    expect(hasCredentials(config, registry)).toBe(expected);
  });
});

describe("offline frontend", () => {
  it("drops only the syntax directive", () => {
    expect(withoutSyntaxDirective("# syntax=docker/dockerfile:1\n# check=error=true\nFROM x\n# syntax=not-a-directive\n")).toBe("# check=error=true\nFROM x\n# syntax=not-a-directive\n");
  });
});

describe("preflight", () => {
  const ok: ExecResult = { exitCode: 0, stdout: "", stderr: "" };
  const fakeExec =
    (answers: Record<string, Partial<ExecResult>>): Exec =>
    async (_file, args) => ({ ...ok, ...(answers[args.slice(0, 2).join(" ")] ?? {}) });
  const inspectOk = { stdout: "Name: b\nDriver: docker-container\nPlatforms: linux/amd64, linux/arm64\n" };
  const pathWithDocker = process.env.PATH;

  it.each<[string, Record<string, Partial<ExecResult>>, Partial<BuildRequest>, string | undefined, string]>([
    ["daemon not running", { "info --format": { exitCode: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" } }, {}, undefined, "the Docker daemon is not reachable: Cannot connect"],
    ["buildx missing", { "buildx version": { exitCode: 1, stderr: "docker: 'buildx' is not a docker command." } }, {}, undefined, "the docker buildx plugin is missing"],
    ["platform missing", { "buildx inspect": { stdout: "Name: default\nDriver: docker\nPlatforms: linux/amd64\n" } }, { platforms: ["linux/arm64"] }, undefined, "cannot build linux/arm64"],
    ["push without credentials", { "buildx inspect": inspectOk }, { output: "push" }, '{"auths":{}}', "--push: no credentials for ghcr.io; run `docker login ghcr.io`"],
  ])("fails clearly when %s", async (_name, answers, change, config, message) => {
    if (!pathWithDocker) return;
    const error = await preflight({ ...base, ...change }, fakeExec(answers), config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toContain(message);
  });

  it("fails clearly when docker is not installed", async () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    process.env.FRAISEQL_DEPLOY_TOOLS = "/nonexistent";
    try {
      await expect(preflight(base, fakeExec({}))).rejects.toThrow("docker not found on PATH");
    } finally {
      process.env.PATH = saved;
      delete process.env.FRAISEQL_DEPLOY_TOOLS;
    }
  });

  it("passes when everything is in place", async () => {
    await expect(preflight({ ...base, output: "push" }, fakeExec({ "buildx inspect": inspectOk }), '{"auths":{"ghcr.io":{}}}')).resolves.toMatch(/docker$/);
  });
});
