/** `fraiseql-deploy build [dir]`: preflight checks, then docker buildx build with the right arguments. */
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadSavedAnswers } from "../answers/file.js";
import type { Answers } from "../answers/types.js";
import { platformChoices } from "../answers/fields.js";
import { DeployError, ExitCode, ToolError, UsageError } from "../errors.js";
import { buildContext } from "../generate/context.js";
import { exec as realExec, type Exec } from "../tools/exec.js";
import { buildxArgs, formatCommand, hasCredentials, parseBuildxInspect, platformProblem, registryOf, withoutSyntaxDirective, type BuildRequest } from "../tools/buildx.js";
import { findExecutable } from "../tools/registry.js";
import { toolVersion } from "../version.js";
import { writeErr, writeOut } from "../ui/output.js";

export interface BuildOptions {
  platforms?: string;
  tag?: string[];
  push?: boolean;
  load?: boolean;
  hardened?: boolean;
  sbom?: boolean;
  provenance?: boolean;
  cacheFrom?: string[];
  cacheTo?: string[];
  buildArg?: string[];
  offlineFrontend?: boolean;
  dryRun?: boolean;
}

export class BuildFailedError extends DeployError {
  constructor(code: number) {
    super(`docker buildx build failed (exit ${code}); its output above says why`, ExitCode.findings);
  }
}

/** Turns the options and the saved answers into a build request; pure except for reading nothing. */
export function planBuild(options: BuildOptions, answers: Answers, root: string): BuildRequest {
  if (options.push && options.load) throw new UsageError("--push and --load cannot be used together");
  const platforms = options.platforms ? options.platforms.split(",").map((p) => p.trim()).filter(Boolean) : answers.build.platforms;
  const known = platformChoices.map((c) => c.value);
  const unknown = platforms.filter((p) => !known.includes(p));
  if (unknown.length > 0) throw new UsageError(`--platforms: ${unknown.join(", ")} not supported; use ${known.join(", ")}`);
  if (platforms.length === 0) throw new UsageError("--platforms: give at least one platform");
  if (options.load && platforms.length > 1) {
    throw new UsageError(`--load takes one platform, but ${platforms.length} were requested (${platforms.join(", ")}); the docker image store holds one platform per tag. Use --push for a multi-platform image, or --platforms with one platform`);
  }
  if ((options.sbom || options.provenance) && !options.push) {
    throw new UsageError("--sbom and --provenance attestations are kept only when pushing; add --push (docker --load drops them)");
  }
  for (const arg of options.buildArg ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) throw new UsageError(`--build-arg ${arg}: must be NAME=value`);
  }
  const context = buildContext(answers, toolVersion);
  const tags = options.tag && options.tag.length > 0 ? options.tag : [options.hardened ? context.derived.hardenedImageRef : context.derived.imageRef];
  return {
    dockerfile: path.join(root, options.hardened ? "deploy/docker/Dockerfile.hardened" : "Dockerfile"),
    context: root,
    platforms,
    tags,
    output: options.push ? "push" : options.load ? "load" : "none",
    sbom: Boolean(options.sbom),
    provenance: Boolean(options.provenance),
    cacheFrom: options.cacheFrom ?? [],
    cacheTo: options.cacheTo ?? [],
    buildArgs: options.buildArg ?? [],
  };
}

/** Each failure names what is wrong and how to fix it; nothing is built until all pass. */
export async function preflight(req: BuildRequest, exec: Exec, dockerConfigText?: string): Promise<string> {
  const docker = await findExecutable("docker");
  if (!docker) throw new ToolError("docker not found on PATH; install Docker Engine (https://docs.docker.com/engine/install/)");
  const info = await exec(docker, ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 30_000 });
  if (info.exitCode !== 0) {
    throw new ToolError(`the Docker daemon is not reachable: ${firstLine(info.stderr) || "docker info failed"}; start it (systemctl start docker, or dockerd) or check DOCKER_HOST`);
  }
  const buildx = await exec(docker, ["buildx", "version"], { timeoutMs: 30_000 });
  if (buildx.exitCode !== 0) {
    throw new ToolError("the docker buildx plugin is missing; install it (https://github.com/docker/buildx#installing, or `go install github.com/docker/buildx/cmd/buildx@v0.36.1` into ~/.docker/cli-plugins/docker-buildx)");
  }
  const inspect = await exec(docker, ["buildx", "inspect", "--bootstrap"], { timeoutMs: 120_000 });
  if (inspect.exitCode !== 0) throw new ToolError(`docker buildx inspect failed: ${firstLine(inspect.stderr)}`);
  const problem = platformProblem(req.platforms, parseBuildxInspect(inspect.stdout));
  if (problem) throw new ToolError(problem);
  if (req.output === "push") {
    let config: unknown;
    try {
      config = JSON.parse(dockerConfigText ?? "{}");
    } catch {
      config = {};
    }
    for (const registry of new Set(req.tags.map(registryOf))) {
      if (!hasCredentials(config, registry)) throw new ToolError(`--push: no credentials for ${registry}; run \`docker login ${registry}\` first`);
    }
  }
  return docker;
}

const firstLine = (s: string): string => s.trim().split("\n")[0] ?? "";

async function readDockerConfig(): Promise<string | undefined> {
  const dir = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker");
  try {
    return await readFile(path.join(dir, "config.json"), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The published-server build is reproducible only with deploy/fraiseql/server/Cargo.lock; a first build writes
 * it (the Dockerfile would otherwise resolve at build time and say so) and asks the user to commit it.
 */
async function ensureLock(root: string, answers: Answers, exec: Exec): Promise<void> {
  if (answers.server.source !== "crates") return;
  const { pinLock, writeLock } = await import("./lock.js");
  try {
    await access(path.join(root, pinLock));
    return;
  } catch {
    // No lock yet: write it below.
  }
  writeErr(`${pinLock} is missing: resolving it now (fraiseql-deploy lock)\n`);
  const version = await writeLock(root, answers, {}, exec);
  writeErr(`wrote ${pinLock} (fraiseql-server ${version}); commit it so every build compiles the same dependencies\n`);
}

export async function runBuild(dir: string | undefined, options: BuildOptions, exec: Exec = realExec): Promise<number> {
  const root = path.resolve(dir ?? ".");
  const answers = await loadSavedAnswers(root);
  const req = planBuild(options, answers, root);
  let scratch: string | undefined;
  try {
    if (options.offlineFrontend) {
      scratch = await mkdtemp(path.join(os.tmpdir(), "fraiseql-build-"));
      const copy = path.join(scratch, "Dockerfile");
      await writeFile(copy, withoutSyntaxDirective(await readFile(req.dockerfile, "utf8")));
      req.dockerfile = copy;
    }
    if (options.dryRun) {
      writeOut(`${formatCommand("docker", buildxArgs(req))}\n`);
      return ExitCode.ok;
    }
    const docker = await preflight(req, exec, await readDockerConfig());
    await ensureLock(root, answers, exec);
    const result = await exec(docker, buildxArgs(req), { stream: true, timeoutMs: 4 * 60 * 60 * 1000, env: { DOCKER_BUILDKIT: "1" } });
    if (result.exitCode !== 0) throw new BuildFailedError(result.exitCode);
    writeErr(`built ${req.tags.join(", ")} for ${req.platforms.join(", ")}${req.output === "none" ? " (left in the build cache: add --load or --push to keep the image)" : ""}\n`);
    return ExitCode.ok;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
