/**
 * The container artifacts (Dockerfile, deploy/docker/Dockerfile.hardened, .dockerignore, the two compose
 * files, .env.example, deploy/docker/prometheus.yml, deploy/fraiseql/server.toml), rendered in memory for
 * several answer sets, parsed, and held to the runtime contract, CONVENTIONS.md and the decisions in
 * artifact-standards.md sections 1 and 4. The external linters (hadolint, docker compose config,
 * yamllint) run in `fraiseql-deploy verify`; this file needs no tool.
 */
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import type { PartialAnswers } from "../../src/answers/fields.js";
import type { Answers } from "../../src/answers/types.js";
import { parseDockerfile } from "../../src/checks/builtin.js";
import { builtinChecks } from "../../src/checks/builtin.js";
import type { VerifyContext } from "../../src/checks/types.js";
import { serverEnvVars } from "../../src/k8s/contract.js";
import { buildContext, type TemplateContext } from "../../src/generate/context.js";
import { dockerfileString } from "../../src/generate/escape.js";
import { renderServerToml } from "../../src/generate/server-toml.js";
import { renderTree, type Tree } from "../../src/generate/tree.js";
import { answersWith, maximalAnswers } from "../helpers.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

const DOCKERFILE = "Dockerfile";
const HARDENED = "deploy/docker/Dockerfile.hardened";
const DEV = "docker-compose.yml";
const PROD = "docker-compose.prod.yml";
const PROMETHEUS = "deploy/docker/prometheus.yml";
const PIN_MANIFEST = "deploy/fraiseql/server/Cargo.toml";
const PIN_SOURCE = "deploy/fraiseql/server/pin.rs";

interface Rendered {
  answers: Answers;
  ctx: TemplateContext;
  tree: Tree;
  file: (path: string) => string;
}

const renders = new Map<string, Promise<Rendered>>();

/** Renders the whole tree once per answer set (the tests only read it). */
function render(given: PartialAnswers = {}): Promise<Rendered> {
  const key = JSON.stringify(given);
  let rendered = renders.get(key);
  if (!rendered) {
    rendered = renderFresh(given);
    renders.set(key, rendered);
  }
  return rendered;
}

async function renderFresh(given: PartialAnswers): Promise<Rendered> {
  const answers = answersWith(given);
  const tree = await renderTree(answers, "0.0.0-test");
  const file = (p: string): string => {
    const found = tree.get(p);
    if (!found) throw new Error(`${p} was not generated`);
    return found.content;
  };
  return { answers, ctx: buildContext(answers, "0.0.0-test"), tree, file };
}

const hostileDescription = 'Acme "API": #1 for {{orders}}\nsecond line \\ $HOME ${X} `id` — café ☕';

/** Answer sets every invariant must hold for. */
const cases: Record<string, PartialAnswers> = {
  default: {},
  maximal: maximalAnswers,
  "standard, bookworm, everything on": {
    profile: "standard",
    "build.debianRelease": "bookworm",
    "build.platforms": ["linux/arm64"],
    "redis.enabled": true,
    "tracing.otlpEndpoint": "http://otel:4318/v1/traces",
    "schema.source": "secret",
    "server.port": 9443,
    "app.description": hostileDescription,
  },
  // A Cargo workspace that builds its own server package, with a schema compiled outside the image.
  "metrics off, text logs, other package": {
    "server.source": "workspace",
    "metrics.enabled": false,
    "server.logFormat": "text",
    "build.cargoPackage": "my-fraiseql",
    "schema.compile": false,
    "schema.path": "build/schema/schema.compiled.json",
  },
  "workspace, schema compiled in the image": { "server.source": "workspace" },
  "published server, compiled schema committed": { "schema.compile": false },
};

// ---------------------------------------------------------------------------------------------------
// Dockerfile helpers

interface Stage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of parseDockerfile(text)) {
    if (ins.keyword === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(ins.args);
      stages.push({ from: m?.[1] ?? "", ...(m?.[2] ? { name: m[2] } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: ins.keyword, args: ins.args });
    }
  }
  return stages;
}

const finalStage = (text: string): Stage => {
  const stage = stagesOf(text).at(-1);
  if (!stage) throw new Error("no stage");
  return stage;
};

/** ENV a="b" c="d" (one instruction, joined continuation lines) -> map. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const ins of stage.instructions.filter((i) => i.keyword === "ENV")) {
    for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      const raw = m[2] ?? "";
      env.set(m[1] ?? "", raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
    }
  }
  return env;
}

/**
 * The shared build stages: the text from the first `# ---` line up to the comment block that opens `stage`
 * (`rootfs` in the Dockerfile, `runtime` in the hardened one). Everything in between (source, builder and,
 * when the image compiles the schema, compiler and schema) must be byte-identical in both files.
 */
function buildStagesText(text: string, stage: string): string {
  const start = text.indexOf("\n# ---");
  const from = new RegExp(`\\nFROM [^\\n]* AS ${stage}\\n`).exec(text)?.index ?? -1;
  if (start < 0 || from < 0) throw new Error(`no build stages before the ${stage} stage`);
  return text.slice(start, text.lastIndexOf("\n\n# ---", from));
}

/** The stage names a Dockerfile must have for these answers, in order. */
function expectedStages(ctx: TemplateContext, kind: "standard" | "hardened"): string[] {
  return ["source", "builder", ...(ctx.derived.compileSchema ? ["compiler", "schema"] : []), ...(kind === "standard" ? ["rootfs"] : []), "runtime"];
}

// ---------------------------------------------------------------------------------------------------
// .dockerignore: a small matcher with Docker's semantics (last matching pattern wins; `!` re-includes;
// `*` stays within a path segment, `**` spans segments; a pattern matching a parent excludes the child).

function dockerignoreExcludes(text: string, path: string): boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, "").replace(/\/+$/, "");
      const source = pattern
        .split("/")
        .map((seg) => (seg === "**" ? "(?:.*)" : seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")))
        .join("/")
        .replace(/\(\?:\.\*\)\//g, "(?:.*/)?");
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  const segments = path.split("/");
  let excluded = false;
  for (const rule of rules) {
    for (let i = 1; i <= segments.length; i++) {
      if (rule.regex.test(segments.slice(0, i).join("/"))) {
        excluded = !rule.negate;
        break;
      }
    }
  }
  return excluded;
}

// ---------------------------------------------------------------------------------------------------

describe.each(Object.entries(cases))("container templates: %s", (_name, given) => {
  it("both Dockerfiles: parser directive, valid instructions, no libpq, no secrets in ARG/ENV", async () => {
    const { file } = await render(given);
    for (const path of [DOCKERFILE, HARDENED]) {
      const text = file(path);
      expect(text.split("\n")[0], path).toBe("# syntax=docker/dockerfile:1");
      expect(text.split("\n")[1], path).toBe("# check=error=true");
      expect(text, path).not.toMatch(/SECURITY_OPT|seccomp=unconfined/);
      expect(text, path).not.toMatch(/libpq|pq-sys|apt-get upgrade/);
      expect(text, path).not.toContain("[object Object]");
      const instructions = parseDockerfile(text);
      const known = ["ARG", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "RUN", "SHELL", "USER", "WORKDIR"];
      for (const ins of instructions) expect(known, `${path}:${ins.line} ${ins.keyword}`).toContain(ins.keyword);
      for (const ins of instructions.filter((i) => i.keyword === "ARG" || i.keyword === "ENV")) {
        expect(ins.args, `${path}:${ins.line}`).not.toMatch(/TOKEN|PASSWORD|SECRET|DATABASE_URL/);
      }
      for (const ins of instructions.filter((i) => i.keyword === "RUN")) {
        expect(ins.args, `${path}:${ins.line}`).not.toMatch(/\b(curl|wget|netcat|ncat)\b/);
        if (/apt-get install/.test(ins.args)) {
          expect(ins.args, `${path}:${ins.line}`).toMatch(/apt-get install -y --no-install-recommends/);
          expect(ins.args, `${path}:${ins.line}`).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
        }
      }
    }
  });

  it("both Dockerfiles: native builder stage that cross-compiles with Debian's cross GCC", async () => {
    const { file, ctx, answers } = await render(given);
    for (const path of [DOCKERFILE, HARDENED]) {
      const text = file(path);
      const stages = stagesOf(text);
      const builder = stages.find((s) => s.name === "builder");
      expect(builder, path).toBeDefined();
      expect(text).toContain(`FROM --platform=$BUILDPLATFORM ${ctx.derived.builderImage} AS builder`);
      expect(ctx.derived.builderImage).toBe(`rust:${answers.build.rustVersion}-slim-${answers.build.debianRelease}`);
      // Every stage but the runtime one runs on the build platform: nothing compiles under emulation.
      for (const line of text.split("\n").filter((l) => l.startsWith("FROM ")).slice(0, -1)) expect(line).toContain("--platform=$BUILDPLATFORM");
      expect(text.split("\n").filter((l) => l.startsWith("FROM ")).at(-1)).not.toContain("--platform");

      // Platform -> triple table covers every platform the answers can pick, with the same triple as context.ts.
      for (const platform of ["linux/amd64", "linux/arm64", "linux/arm/v7"]) {
        const triple = buildContext(answersWith({ "build.platforms": [platform] }), "t").derived.rustTargets[0]?.triple ?? "";
        expect(text, platform).toMatch(new RegExp(`${platform.replace(/\//g, "\\/")}\\) \\\\\\n\\s+triple=${triple};`));
      }
      for (const target of ctx.derived.rustTargets) expect(text).toContain(`triple=${target.triple};`);
      // The aarch64 cross toolchain: compiler, target libc, and the linker/CC/AR variables cargo and cc-rs read.
      for (const needle of [
        "gcc-aarch64-linux-gnu",
        "libc6-dev-arm64-cross",
        "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc",
        "CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc",
        "AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar",
        "gcc-x86-64-linux-gnu",
        "libc6-dev-amd64-cross",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=x86_64-linux-gnu-gcc",
        "gcc-arm-linux-gnueabihf",
        "libc6-dev-armhf-cross",
        "CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc",
        'if [ "$TARGETPLATFORM" != "$BUILDPLATFORM" ]',
        'rustup target add "$triple"',
      ]) {
        expect(text, `${path}: ${needle}`).toContain(needle);
      }
      expect(text).not.toMatch(/\$TARGET\b|tonistiigi\/xx|xx-cargo/);

      const runs = builder?.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args) ?? [];
      const fetch = runs.find((r) => r.includes("cargo fetch"));
      const build = runs.find((r) => r.includes("cargo build"));
      expect(fetch).toContain("cargo fetch --locked");
      if (ctx.derived.fromCrates) {
        // The published server: the package fraiseql-server of the pin manifest, with the features named there.
        expect(build).toContain('cargo build --locked --release -p fraiseql-server --target "$TRIPLE";');
        expect(build).not.toMatch(/--features|CARGO_FEATURES/);
      } else {
        expect(build).toContain(`cargo build --locked --release -p ${answers.build.cargoPackage} --target "$TRIPLE" "\${features[@]}"`);
      }
      for (const run of [fetch, build]) {
        // Source bind-mounted read-only (no rw), registry and git db cached.
        expect(run).toMatch(/--mount=type=bind,from=source,source=\/src,target=\/src\s/);
        expect(run).not.toMatch(/type=bind[^ ]*,rw/);
        expect(run).toContain("--mount=type=cache,target=/usr/local/cargo/registry,sharing=locked");
        expect(run).toContain("--mount=type=cache,target=/usr/local/cargo/git/db,sharing=locked");
      }
      // Per-platform target cache; the binary leaves the cache in the same RUN.
      expect(build).toContain("--mount=type=cache,id=target-$TARGETPLATFORM,target=/build/target");
      expect(build).toMatch(/cargo build .*; +install -D -m 0555 "\$CARGO_TARGET_DIR\/\$TRIPLE\/release\/fraiseql-server" \/out\/fraiseql-server/);
      expect(build).toMatch(/od -An -tu2 -j18 -N2 \/out\/fraiseql-server/);
      const argFeatures = builder?.instructions.find((i) => i.keyword === "ARG" && i.args.startsWith("CARGO_FEATURES="));
      if (ctx.derived.fromCrates) {
        // No build argument can change what the pin manifest and its lock file say.
        expect(argFeatures, path).toBeUndefined();
      } else {
        // Features: ARG default from the answers, passed only when non-empty.
        expect(argFeatures?.args).toBe(`CARGO_FEATURES=${dockerfileString(ctx.derived.cargoFeaturesCsv)}`);
        expect(build).toContain('if [ -n "$CARGO_FEATURES" ]; then features=(--features "$CARGO_FEATURES"); fi');
      }
      // The target ARGs are declared in the stage before they are used.
      const keywords = builder?.instructions.map((i) => `${i.keyword} ${i.args.split(/[\s=]/)[0] ?? ""}`) ?? [];
      expect(keywords.indexOf("ARG TARGETPLATFORM")).toBeGreaterThanOrEqual(0);
      expect(keywords.indexOf("ARG TARGETPLATFORM")).toBeLessThan(keywords.findIndex((k) => k.startsWith("RUN")));
      const source = stages.find((s) => s.name === "source");
      expect(source?.from).toBe(ctx.derived.builderImage);
      if (ctx.derived.fromCrates) {
        // The source stage holds the pin manifest (and its lock) only: nothing else in the repository recompiles.
        expect(source?.instructions.map((i) => i.keyword)).toEqual(["SHELL", "WORKDIR", "COPY", "RUN"]);
        expect(source?.instructions[1]?.args).toBe("/src");
        expect(source?.instructions[2]?.args).toBe('["deploy/fraiseql/server", "/src"]');
        // Without a committed lock the build still resolves, and warns that it is not reproducible.
        const resolve = source?.instructions[3]?.args ?? "";
        expect(resolve).toMatch(/^--mount=type=cache,target=\/usr\/local\/cargo\/registry,sharing=locked\s/);
        expect(resolve).toMatch(/if \[ ! -f Cargo\.lock \]; then +echo "warning: [^"]*fraiseql-deploy lock[^"]*" >&2; +cargo generate-lockfile; +fi$/);
      } else {
        // The source stage drops what only the runtime stage copies, so editing it does not recompile.
        expect(source?.instructions.map((i) => i.keyword)).toEqual(["COPY", "RUN"]);
        expect(source?.instructions[0]?.args).toBe(". /src");
        expect(source?.instructions[1]?.args).toContain("/src/deploy/fraiseql");
        expect(source?.instructions[1]?.args).toContain(`/src/${answers.schema.path}`);
      }
    }
  });

  it("published server: the pin manifest pins fraiseql-server and fraiseql-cli at server.version with the answers' features", async () => {
    const { tree, file, ctx, answers } = await render(given);
    if (!ctx.derived.fromCrates) {
      // A workspace's own Cargo.toml and Cargo.lock pin its build: no pin files.
      expect(tree.has(PIN_MANIFEST)).toBe(false);
      expect(tree.has(PIN_SOURCE)).toBe(false);
      return;
    }
    const manifest = file(PIN_MANIFEST);
    expect(manifest.startsWith("# Generated by fraiseql-deploy from fraiseql-deploy.yaml.")).toBe(true);
    const toml = parseToml(manifest) as Obj;
    expect(toml.package).toEqual({ name: "fraiseql-server-pin", version: "0.0.0", edition: "2024", "rust-version": answers.build.rustVersion, publish: false });
    expect(toml.lib).toEqual({ path: "pin.rs" });
    expect(toml.dependencies).toEqual({
      "fraiseql-server": { version: `=${answers.server.version}`, features: answers.build.cargoFeatures },
      "fraiseql-cli": { version: `=${answers.server.version}` },
    });
    // A workspace of its own, so a Cargo workspace around it never adopts it.
    expect(toml.workspace).toEqual({});
    const pin = file(PIN_SOURCE);
    expect(pin.startsWith("// Generated by fraiseql-deploy. Empty on purpose")).toBe(true);
    expect(pin.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("//"))).toEqual([]);
  });

  it("the schema reaches the image in one stage only, so a schema edit never recompiles the server", async () => {
    const { file, ctx, answers } = await render(given);
    for (const [path, kind] of [[DOCKERFILE, "standard"], [HARDENED, "hardened"]] as const) {
      const text = file(path);
      const stages = stagesOf(text);
      expect(stages.map((s) => s.name), path).toEqual(expectedStages(ctx, kind));
      const readers = stages.filter((s) => s.instructions.some((i) => i.keyword === "COPY" && i.args.includes(JSON.stringify(answers.schema.path)))).map((s) => s.name);
      expect(readers, path).toEqual(ctx.derived.compileSchema ? ["schema"] : ctx.derived.schemaInImage ? ["runtime"] : []);
      if (!ctx.derived.compileSchema) {
        expect(parseDockerfile(text).filter((i) => i.args.includes("fraiseql-cli")), path).toEqual([]);
        continue;
      }
      // compiler: fraiseql-cli of the server's version, built once, natively, from the same source stage.
      const compiler = stages.find((s) => s.name === "compiler");
      expect(text).toContain(`FROM --platform=$BUILDPLATFORM ${ctx.derived.builderImage} AS compiler`);
      const args = compiler?.instructions.filter((i) => i.keyword === "ARG").map((i) => i.args);
      expect(args).toEqual(["BUILDPLATFORM"]);
      const build = compiler?.instructions.find((i) => i.keyword === "RUN")?.args ?? "";
      expect(build).toMatch(/--mount=type=bind,from=source,source=\/src,target=\/src\s/);
      expect(build).toContain("--mount=type=cache,target=/usr/local/cargo/registry,sharing=locked");
      expect(build).toContain("--mount=type=cache,id=target-$BUILDPLATFORM,target=/build/target,sharing=locked");
      expect(build).toContain('cargo build --locked --release -p fraiseql-cli --target "$host";');
      expect(build).toMatch(/install -D -m 0555 "\$CARGO_TARGET_DIR\/\$host\/release\/fraiseql-cli" \/out\/fraiseql-cli$/);
      // schema: the only stage that reads the schema; native, on the runtime's Debian release (same glibc as the compiler's).
      expect(text).toContain(`FROM --platform=$BUILDPLATFORM ${ctx.derived.runtimeImage} AS schema`);
      expect(stages.find((s) => s.name === "schema")?.instructions.map((i) => `${i.keyword} ${i.args}`)).toEqual([
        "COPY --link --from=compiler /out/fraiseql-cli /usr/local/bin/fraiseql-cli",
        `COPY --link [${JSON.stringify(answers.schema.path)}, "/schema/schema.json"]`,
        'RUN ["fraiseql-cli", "compile", "/schema/schema.json", "--output", "/schema/schema.compiled.json"]',
      ]);
      expect(text.split("\n").find((l) => l.startsWith("# Stages:"))).toContain("compiler -> schema (native)");
    }
  });

  it("both Dockerfiles share byte-identical build stages (the second build is a cache hit)", async () => {
    const { file, ctx } = await render(given);
    const standard = buildStagesText(file(DOCKERFILE), "rootfs");
    // Every build stage is in the shared text, and nothing of the runtime stages.
    const names = [...standard.matchAll(/^FROM .* AS (\S+)$/gm)].map((m) => m[1]);
    expect(names).toEqual(expectedStages(ctx, "hardened").slice(0, -1));
    expect(standard).not.toMatch(/ AS (rootfs|runtime)\n|^(ENTRYPOINT|USER|LABEL) /m);
    expect(buildStagesText(file(HARDENED), "runtime")).toBe(standard);
  });

  it("both runtime stages follow the contract: paired Debian, USER 65532, exec ENTRYPOINT, env, read-only files", async () => {
    const { file, ctx, answers } = await render(given);
    const debian = answers.build.debianRelease;
    const runtimes: [string, string][] = [
      [DOCKERFILE, `debian:${debian}-slim`],
      [HARDENED, `gcr.io/distroless/cc-debian${debian === "trixie" ? "13" : "12"}:nonroot`],
    ];
    expect(ctx.derived.runtimeImage).toBe(runtimes[0]?.[1]);
    expect(ctx.derived.distrolessImage).toBe(runtimes[1]?.[1]);
    for (const [path, image] of runtimes) {
      const text = file(path);
      const stage = finalStage(text);
      expect(stage.from, path).toBe(image);
      const kw = (k: string): string[] => stage.instructions.filter((i) => i.keyword === k).map((i) => i.args);
      expect(kw("RUN"), `${path}: no RUN in the runtime stage (it would run under emulation)`).toEqual([]);
      expect(kw("USER"), path).toEqual(["65532:65532"]);
      expect(kw("WORKDIR"), path).toEqual(["/"]);
      expect(kw("EXPOSE"), path).toEqual([String(answers.server.port)]);
      expect(kw("ENTRYPOINT"), path).toEqual(['["/usr/local/bin/fraiseql-server"]']);
      expect(kw("CMD"), path).toEqual([]);
      expect(kw("SHELL"), path).toEqual([]);
      expect(Object.fromEntries(envOf(stage)), path).toEqual({
        FRAISEQL_BIND_ADDR: `0.0.0.0:${answers.server.port}`,
        FRAISEQL_SCHEMA_PATH: "/etc/fraiseql/schema/schema.compiled.json",
        FRAISEQL_CONFIG: "/etc/fraiseql/config/server.toml",
        FRAISEQL_LOG_FORMAT: answers.server.logFormat,
        RUST_LOG: answers.server.rustLog,
      });
      for (const name of envOf(stage).keys()) expect(serverEnvVars.has(name), name).toBe(true);
      expect(text).not.toMatch(/FRAISEQL_ENV/);

      const copies = kw("COPY");
      expect(copies, path).toContain("--link --from=builder --chmod=0555 /out/fraiseql-server /usr/local/bin/fraiseql-server");
      expect(copies, path).toContain("--link --chmod=0444 deploy/fraiseql/server.toml /etc/fraiseql/config/server.toml");
      const schemaCopy = copies.filter((c) => c.includes("/etc/fraiseql/schema/"));
      if (ctx.derived.compileSchema) {
        expect(schemaCopy, path).toEqual(["--link --from=schema --chmod=0444 /schema/schema.compiled.json /etc/fraiseql/schema/schema.compiled.json"]);
      } else if (ctx.derived.schemaInImage) {
        expect(schemaCopy, path).toEqual([`--link --chmod=0444 [${JSON.stringify(answers.schema.path)}, "/etc/fraiseql/schema/schema.compiled.json"]`]);
      } else {
        expect(schemaCopy, path).toEqual([]);
      }
      for (const copy of copies) expect(copy, path).not.toMatch(/--chown/);

      // OCI labels: static values only; the description is escaped onto one line.
      const labels = kw("LABEL").join(" ");
      expect(labels).toContain(`org.opencontainers.image.description=${dockerfileString(answers.app.description)}`);
      expect(labels).toContain(`org.opencontainers.image.title=${dockerfileString(answers.app.name)}`);
      expect(labels).not.toMatch(/image\.(version|revision|created)=/);
    }
  });

  it("standard image: a bash /dev/tcp HEALTHCHECK on /readiness, CA bundle and passwd built natively", async () => {
    const { file, answers } = await render(given);
    const text = file(DOCKERFILE);
    const stage = finalStage(text);
    const hc = stage.instructions.filter((i) => i.keyword === "HEALTHCHECK").map((i) => i.args);
    expect(hc).toHaveLength(1);
    const m = /^--interval=30s --timeout=5s --start-period=20s --retries=3\s+CMD (\[.*\])$/.exec(hc[0] ?? "");
    expect(m, hc[0]).not.toBeNull();
    const argv = JSON.parse(m?.[1] ?? "[]") as string[];
    expect(argv.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(argv[2]).toContain(`/dev/tcp/127.0.0.1/${answers.server.port}`);
    expect(argv[2]).toContain("GET /readiness HTTP/1.0\\r\\n");
    expect(argv[2]).toContain("*' 200 '*");
    expect(argv[2]).not.toMatch(/\/health\b|curl|wget|\bnc\b/);

    const rootfs = stagesOf(text).find((s) => s.name === "rootfs");
    expect(text).toContain(`FROM --platform=$BUILDPLATFORM debian:${answers.build.debianRelease}-slim AS rootfs`);
    const run = rootfs?.instructions.find((i) => i.keyword === "RUN")?.args ?? "";
    expect(run).toContain("apt-get install -y --no-install-recommends ca-certificates;");
    expect(run).toMatch(/useradd .*--uid 65532 --gid 65532 .*nonroot/);
    expect(stage.instructions.filter((i) => i.keyword === "COPY").map((i) => i.args)).toContain("--link --from=rootfs /rootfs/ /");
  });

  it("hardened image: distroless, no shell use, no HEALTHCHECK, documents the read-only root filesystem", async () => {
    const { file, ctx } = await render(given);
    const text = file(HARDENED);
    const stage = finalStage(text);
    expect(stage.instructions.map((i) => i.keyword)).not.toContain("HEALTHCHECK");
    expect(stagesOf(text).map((s) => s.name)).toEqual(expectedStages(ctx, "hardened"));
    expect(stage.instructions.map((i) => i.keyword)).not.toContain("RUN");
    expect(text).toContain("--read-only");
    expect(text).toContain("readOnlyRootFilesystem");
    expect(text).not.toContain("curl -f");
  });

  it(".dockerignore keeps the build inputs and drops VCS, build output, secrets and reports", async () => {
    const { file, answers } = await render(given);
    const text = file(".dockerignore");
    const kept = [
      "Cargo.toml", "Cargo.lock", "crates/fraiseql-server/src/main.rs", "src/main.rs", "build.rs", ".cargo/config.toml", "README.md", answers.schema.path,
      "deploy/fraiseql/server.toml", ".env.example", "rust-toolchain.toml",
      // The pin manifest, its lock and pin.rs: the source stage of the published-server build copies the folder.
      "deploy/fraiseql/server/Cargo.toml", "deploy/fraiseql/server/Cargo.lock", "deploy/fraiseql/server/pin.rs",
    ];
    for (const p of kept) expect(dockerignoreExcludes(text, p), `keeps ${p}`).toBe(false);
    const dropped = ["target/release/fraiseql-server", "crates/x/target/debug/a", ".git/HEAD", "node_modules/a/b.js", "web/node_modules/a", ".env", ".env.production", "config/.env", "sbom/x.spdx.json", "report.sarif", "deploy/kubernetes/deployment.yaml", "docker-compose.yml", "fraiseql-deploy.yaml"];
    for (const p of dropped) expect(dockerignoreExcludes(text, p), `drops ${p}`).toBe(true);
  });

  it("dev compose: FRAISEQL_ENV=development, source build, loopback ports, healthy postgres, hardening, profiles", async () => {
    const { file, ctx, answers } = await render(given);
    const text = file(DEV);
    const doc = obj(yaml.load(text));
    expect(doc).not.toHaveProperty("version");
    expect(doc.name).toBe(`${answers.app.name}-dev`);
    expect(obj(yaml.load(file(PROD))).name).toBe(answers.app.name);
    const services = obj(doc.services);
    const server = obj(services.fraiseql);
    expect(server.build).toEqual({ context: ".", dockerfile: "Dockerfile" });
    const env = obj(server.environment);
    expect(env.FRAISEQL_ENV).toBe("development");
    expect(env.DATABASE_URL).toBe("postgres://fraiseql:${POSTGRES_PASSWORD:-fraiseql-dev}@postgres:5432/fraiseql");
    expect(env.FRAISEQL_BIND_ADDR).toBe(ctx.derived.bindAddr);
    expect(env.FRAISEQL_SCHEMA_PATH).toBe(ctx.derived.paths.schemaFile);
    expect(env.FRAISEQL_CONFIG).toBe(ctx.derived.paths.configFile);
    for (const name of Object.keys(env)) expect(serverEnvVars.has(name), name).toBe(true);
    expect(env.FRAISEQL_METRICS_ENABLED).toBe(answers.metrics.enabled ? "true" : undefined);
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(ctx.derived.otlp.enabled ? "http://jaeger:4318/v1/traces" : undefined);
    // A schema the image compiles is in the image: mounting the uncompiled source over it would break the server.
    expect(server.volumes).toEqual([
      ...(ctx.derived.compileSchema ? [] : [{ type: "bind", source: answers.schema.path, target: ctx.derived.paths.schemaFile, read_only: true, bind: { create_host_path: false } }]),
      { type: "bind", source: "deploy/fraiseql/server.toml", target: ctx.derived.paths.configFile, read_only: true, bind: { create_host_path: false } },
    ]);
    // The header says how an edit reaches the running server.
    expect(text.includes("only the schema stage re-runs"), "schema edits need a rebuild").toBe(ctx.derived.compileSchema);
    expectHardened(server);
    expect(obj(server.depends_on).postgres).toEqual({ condition: "service_healthy", restart: true });

    for (const [name, service] of Object.entries(services)) {
      for (const port of Array.isArray(obj(service).ports) ? (obj(service).ports as unknown[]) : []) {
        expect(obj(port).host_ip, `${name} publishes on loopback only`).toBe("127.0.0.1");
      }
    }
    expect(obj(services.fraiseql).ports).toEqual([{ target: answers.server.port, published: answers.server.port, host_ip: "127.0.0.1", protocol: "tcp" }]);

    const postgres = obj(services.postgres);
    // The oldest PostgreSQL major the server version accepts, on the builder's Debian release.
    expect(postgres.image).toBe(ctx.derived.postgresImage);
    expect(postgres.image).toBe(`postgres:${ctx.derived.server.postgresMin}-${answers.build.debianRelease}`);
    expect(obj(postgres.healthcheck).test).toEqual(["CMD-SHELL", 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"']);
    // PostgreSQL 18 images keep their data under /var/lib/postgresql/<major>/ and refuse a mount at the old .../data.
    expect(postgres.volumes).toEqual(["postgres-data:/var/lib/postgresql"]);
    expect(obj(doc.volumes)).toHaveProperty("postgres-data");

    // Optional services: Redis on when the answers use it, else behind profile cache; observability behind its profile.
    const redis = obj(services.redis);
    if (answers.redis.enabled) {
      expect(redis).not.toHaveProperty("profiles");
      expect(obj(server.depends_on).redis).toEqual({ condition: "service_healthy" });
    } else {
      expect(redis.profiles).toEqual(["cache"]);
      expect(obj(server.depends_on)).not.toHaveProperty("redis");
    }
    for (const [name, spec] of Object.entries(obj(server.depends_on))) {
      if (Array.isArray(obj(services[name]).profiles)) expect(obj(spec).required, `${name} is behind a profile`).toBe(false);
    }
    expect(Object.keys(services).sort()).toEqual(
      ["fraiseql", "postgres", "redis", ...(answers.metrics.enabled ? ["prometheus"] : []), ...(ctx.derived.otlp.enabled ? ["jaeger"] : [])].sort(),
    );
  });

  it("dev compose: Prometheus scrapes /metrics with the bearer token from a compose secret", async () => {
    const { tree, file, answers } = await render(given);
    const services = obj(obj(yaml.load(file(DEV))).services);
    if (!answers.metrics.enabled) {
      expect(tree.has(PROMETHEUS)).toBe(false);
      expect(services).not.toHaveProperty("prometheus");
      return;
    }
    const prom = obj(services.prometheus);
    expect(prom.profiles).toEqual(["observability"]);
    expect(prom.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prom.secrets).toEqual([{ source: "metrics_token", target: "metrics_token" }]);
    expect(obj(obj(yaml.load(file(DEV))).secrets)).toEqual({ metrics_token: { environment: "FRAISEQL_METRICS_TOKEN" } });
    expect(prom.volumes).toContainEqual({ type: "bind", source: PROMETHEUS, target: "/etc/prometheus/prometheus.yml", read_only: true, bind: { create_host_path: false } });
    const config = obj(yaml.load(file(PROMETHEUS)));
    const job = obj((config.scrape_configs as unknown[])[0]);
    expect(job.metrics_path).toBe("/metrics");
    expect(job.authorization).toEqual({ type: "Bearer", credentials_file: "/run/secrets/metrics_token" });
    expect(obj((job.static_configs as unknown[])[0]).targets).toEqual([`fraiseql:${answers.server.port}`]);
    expect(file(PROMETHEUS)).not.toMatch(/8000|credentials:/);
  });

  it("dev compose: Jaeger v2 with OTLP ports only, when tracing is on", async () => {
    const { file, ctx } = await render(given);
    const jaeger = obj(obj(obj(yaml.load(file(DEV))).services).jaeger);
    if (!ctx.derived.otlp.enabled) {
      expect(jaeger).toEqual({});
      return;
    }
    expect(jaeger.profiles).toEqual(["observability"]);
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    const ports = (jaeger.ports as unknown[]).map((p) => obj(p).target);
    expect(ports).toEqual([16686, 4317, 4318]);
    expect(file(DEV)).not.toMatch(/all-in-one|\b(6831|6832|14268|14250|5775)\b/);
  });

  it("prod compose: deployed image, external database, hardening, limits, log rotation, one published port", async () => {
    const { file, ctx, answers } = await render(given);
    const text = file(PROD);
    const doc = obj(yaml.load(text));
    expect(doc).not.toHaveProperty("version");
    const services = obj(doc.services);
    expect(Object.keys(services)).toEqual(["fraiseql"]);
    const server = obj(services.fraiseql);
    expect(server.image).toBe(ctx.derived.deployImageRef);
    expect(server).not.toHaveProperty("build");
    expect(server.restart).toBe("unless-stopped");
    const env = obj(server.environment);
    expect(env).not.toHaveProperty("FRAISEQL_ENV");
    expect(String(env.DATABASE_URL)).toMatch(/^\$\{DATABASE_URL:\?[^}]+\}$/);
    expect(env.FRAISEQL_BIND_ADDR).toBe(ctx.derived.bindAddr);
    for (const name of Object.keys(env)) expect(serverEnvVars.has(name), name).toBe(true);
    if (answers.metrics.enabled) {
      expect(env.FRAISEQL_METRICS_ENABLED).toBe("true");
      expect(String(env.FRAISEQL_METRICS_TOKEN)).toMatch(/^\$\{FRAISEQL_METRICS_TOKEN:\?[^}]+\}$/);
    } else {
      expect(env).not.toHaveProperty("FRAISEQL_METRICS_TOKEN");
    }
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(ctx.derived.otlp.enabled ? answers.tracing.otlpEndpoint : undefined);
    const mounts = (server.volumes as unknown[]).map((v) => obj(v).target);
    expect(mounts).toEqual([...(ctx.derived.schemaInImage ? [] : [ctx.derived.paths.schemaFile]), ctx.derived.paths.configFile]);
    expect(server.ports).toEqual([{ target: answers.server.port, published: answers.server.port, host_ip: "${FRAISEQL_PUBLISH_ADDRESS:-127.0.0.1}", protocol: "tcp" }]);
    expectHardened(server);
    expect(server.logging).toEqual({ driver: "json-file", options: { "max-size": "10m", "max-file": "5" } });
    if (ctx.derived.hardened) expect(server.healthcheck).toEqual({ disable: true });
    else expect(server).not.toHaveProperty("healthcheck");
    expect(text).not.toMatch(/SECURITY_OPT|seccomp|privileged|network_mode: host/);
  });

  it("prod compose: deploy.resources.limits from the answers", async () => {
    const { file } = await render(given);
    const limits = obj(obj(obj(obj(obj(obj(yaml.load(file(PROD))).services).fraiseql).deploy).resources).limits);
    expect(Object.keys(limits).sort()).toEqual(["cpus", "memory"]);
  });

  it(".env.example names every variable the compose files interpolate, with no secret values", async () => {
    const { file } = await render(given);
    const example = file(".env.example");
    const used = new Set([...`${file(DEV)}\n${file(PROD)}`.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? ""));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(example, name).toMatch(new RegExp(`^(# )?${name}=`, "m"));
    const values = new Map([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
    expect(values.get("DATABASE_URL")).toBe("");
    expect(values.has("FRAISEQL_METRICS_TOKEN")).toBe(false);
    expect(example).not.toMatch(/FRAISEQL_ENV/);
  });

  it("server.toml is the code-rendered TOML and parses", async () => {
    const { file, answers } = await render(given);
    expect(file("deploy/fraiseql/server.toml")).toBe(renderServerToml(answers));
    expect(() => parseToml(file("deploy/fraiseql/server.toml"))).not.toThrow();
  });

  it("the project's own checks (runtime contract, compose structure) find nothing in these files", async () => {
    const { tree, answers } = await render(given);
    const mine = [DOCKERFILE, HARDENED, DEV, PROD];
    const ctx: VerifyContext = {
      root: "/nonexistent",
      answers,
      files: new Map(mine.filter((p) => tree.has(p)).map((p) => [p, tree.get(p)?.content ?? ""])),
      tools: new Map(),
      scratch: "/nonexistent",
    };
    for (const check of builtinChecks.filter((c) => c.id === "runtime-contract" || c.id === "compose-structure")) {
      expect(await check.run(ctx), check.id).toEqual([]);
    }
  });
});

function expectHardened(service: Obj): void {
  expect(service.user).toBe("65532:65532");
  expect(service.read_only).toBe(true);
  expect(service.tmpfs).toEqual(["/tmp:size=64m"]);
  expect(service.cap_drop).toEqual(["ALL"]);
  expect(service.security_opt).toEqual(["no-new-privileges:true"]);
  expect(service.stop_grace_period).toMatch(/^\d+s$/);
}

describe("container templates: hostile answers", () => {
  it("a description with quotes, '#', ':', newlines, {{ and non-ASCII changes no structure", async () => {
    const plain = await render({ "app.description": "plain" });
    const hostile = await render({ "app.description": hostileDescription });
    for (const path of [DOCKERFILE, HARDENED]) {
      const shape = (t: string): string[] => parseDockerfile(t).map((i) => `${i.line} ${i.keyword}`);
      expect(shape(hostile.file(path)), path).toEqual(shape(plain.file(path)));
      const label = parseDockerfile(hostile.file(path)).find((i) => i.keyword === "LABEL")?.args ?? "";
      // One line, every quote and $ escaped, so Docker reads back the text (newline folded to a space).
      const value = /description=("(?:[^"\\]|\\.)*")/.exec(label)?.[1] ?? "";
      expect(value.slice(1, -1).replace(/\\(.)/g, "$1")).toBe(hostileDescription.replace(/\n/g, " "));
    }
    for (const path of [DEV, PROD, PROMETHEUS]) expect(() => yaml.load(hostile.file(path)), path).not.toThrow();
    for (const path of [".dockerignore", ".env.example", DEV, PROD]) expect(hostile.file(path), path).toBe(plain.file(path));
  });

  it("bookworm pairs every image on Debian 12", async () => {
    const { file } = await render({ "build.debianRelease": "bookworm", "build.rustVersion": "1.95.0" });
    expect(file(DOCKERFILE)).toContain("FROM --platform=$BUILDPLATFORM rust:1.95.0-slim-bookworm AS builder");
    expect(finalStage(file(DOCKERFILE)).from).toBe("debian:bookworm-slim");
    expect(finalStage(file(HARDENED)).from).toBe("gcr.io/distroless/cc-debian12:nonroot");
    expect(file(DEV)).toContain('image: "postgres:18-bookworm"');
  });

  it("a schema path in the answers changes no stage that compiles", async () => {
    const a = await render({ "schema.path": "schema.json" });
    const b = await render({ "schema.path": "graphql/app-schema.json" });
    for (const path of [DOCKERFILE, HARDENED]) {
      expect(buildStagesText(b.file(path), "schema"), path).toBe(buildStagesText(a.file(path), "schema"));
      expect(b.file(path), path).not.toBe(a.file(path));
    }
  });

  it("FRAISEQL_ENV appears in the dev compose file only", async () => {
    const { tree } = await render(maximalAnswers);
    const setters = [...tree].filter(([p, f]) => !p.endsWith(".md") && /FRAISEQL_ENV\b/.test(f.content)).map(([p]) => p);
    expect(setters.filter((p) => [DOCKERFILE, HARDENED, PROD, ".env.example", PROMETHEUS].includes(p))).toEqual([]);
    expect(setters).toContain(DEV);
  });
});

describe("container templates: where the server comes from", () => {
  it("by default the image builds the published fraiseql-server 2.19.0 with the Rust it needs", async () => {
    const { answers, ctx, file } = await render({});
    expect(answers.server).toMatchObject({ source: "crates", version: "2.19.0" });
    expect(answers.build.rustVersion).toBe("1.95.0");
    expect(ctx.derived).toMatchObject({ fromCrates: true, compileSchema: true, serverVersionReq: "=2.19.0", postgresImage: "postgres:18-trixie" });
    expect(file(DOCKERFILE)).toContain("FROM --platform=$BUILDPLATFORM rust:1.95.0-slim-trixie AS builder");
    expect(file(DOCKERFILE)).toContain("fraiseql-server 2.19.0");
  });

  it("cargo features go into the pin manifest, never into the Dockerfiles", async () => {
    const plain = await render({});
    const metrics = await render({ "build.cargoFeatures": ["metrics", "tracing-opentelemetry"], "tracing.otlpEndpoint": "http://otel:4318/v1/traces" });
    for (const path of [DOCKERFILE, HARDENED]) expect(metrics.file(path), path).toBe(plain.file(path));
    expect(obj(obj(parseToml(metrics.file(PIN_MANIFEST)).dependencies)["fraiseql-server"]).features).toEqual(["metrics", "tracing-opentelemetry"]);
    expect(obj(obj(parseToml(plain.file(PIN_MANIFEST)).dependencies)["fraiseql-server"]).features).toEqual([]);
  });

  it("a workspace build keeps the build argument for its features and has no pin files", async () => {
    const { tree, file } = await render({ "server.source": "workspace", "build.cargoFeatures": ["metrics"] });
    expect(file(DOCKERFILE)).toContain('ARG CARGO_FEATURES="metrics"');
    expect(file(DOCKERFILE)).not.toMatch(/deploy\/fraiseql\/server(?!\.toml)/);
    expect([...tree.keys()].filter((p) => p.startsWith("deploy/fraiseql/server/"))).toEqual([]);
  });
});

describe("container templates: what the server checks at boot", () => {
  it.each(Object.entries(cases))("the whole tree passes server-boot (%s)", async (_name, given) => {
    const { tree, answers } = await render(given);
    const ctx: VerifyContext = {
      root: "/nonexistent",
      answers,
      files: new Map([...tree].map(([p, f]) => [p, f.content])),
      tools: new Map(),
      scratch: "/nonexistent",
    };
    const check = builtinChecks.find((c) => c.id === "server-boot");
    expect(check).toBeDefined();
    expect(await check?.run(ctx)).toEqual([]);
  });
});
