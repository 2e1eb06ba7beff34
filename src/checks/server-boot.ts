/**
 * verify checks that read the generated files the way the build and the server will:
 *
 * - build-context: the build context holds what the generated Dockerfiles copy (the pin manifest and its lock
 *   file, or the Cargo workspace and the package; the schema or its source; server.toml). A Dockerfile that
 *   cannot build is the worst thing we can write.
 * - server-boot: for every artifact (images via compose, the plain and hardened manifests, the chart), the
 *   settings fraiseql-server 2.19 receives (environment, config TOML, mode) pass its own boot-time checks
 *   (src/server/boot-rules.ts), the schema path points at a file the image or a mount provides, and the
 *   NetworkPolicy still lets the pod reach DNS and the database.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { cargoPackages } from "../answers/detect.js";
import { containerPaths } from "../generate/context.js";
import { podSpecOf } from "../k8s/pod-security.js";
import { bootProblems, type EnvValue } from "../server/boot-rules.js";
import { lockedVersion } from "../tools/cargo.js";
import { parseDockerfile } from "./dockerfile.js";
import { field, isObj, list, manifestSets, nameOf, text, type ManifestDoc, type Obj } from "./manifests.js";
import type { Check, Finding, VerifyContext } from "./types.js";

const finding = (checkId: string, file: string, message: string, fix?: string, rule?: string): Finding => ({
  checkId,
  file,
  severity: "error",
  message,
  ...(fix ? { fix } : {}),
  ...(rule ? { rule } : {}),
});

// ------------------------------------------------------------------------------------------------
// Dockerfiles: what the runtime stage sets and provides
// ------------------------------------------------------------------------------------------------

export interface ImageFacts {
  env: Map<string, string>;
  /** Absolute paths the runtime stage COPYs in (files, or folders ending in /). */
  provides: Set<string>;
  /** Build-context sources of COPY instructions without --from, per stage. */
  contextSources: { source: string; line: number }[];
}

const envPairs = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S+)/g;

/** COPY/ADD arguments without flags: JSON array or whitespace form. */
function copyOperands(args: string): { flags: string[]; operands: string[] } {
  const flags: string[] = [];
  let rest = args.trim();
  while (rest.startsWith("--")) {
    const m = /^(--\S+)\s*/.exec(rest);
    if (!m) break;
    flags.push(m[1] ?? "");
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith("[")) {
    try {
      return { flags, operands: (JSON.parse(rest) as unknown[]).map(String) };
    } catch {
      return { flags, operands: [] };
    }
  }
  return { flags, operands: rest.split(/\s+/).filter(Boolean) };
}

export function imageFacts(dockerfile: string): ImageFacts {
  const instructions = parseDockerfile(dockerfile);
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf("FROM");
  const env = new Map<string, string>();
  const provides = new Set<string>();
  const contextSources: ImageFacts["contextSources"] = [];
  instructions.forEach((ins, index) => {
    if (ins.keyword === "COPY" || ins.keyword === "ADD") {
      const { flags, operands } = copyOperands(ins.args);
      const dest = operands[operands.length - 1];
      if (!flags.some((f) => f.startsWith("--from="))) {
        for (const source of operands.slice(0, -1)) contextSources.push({ source, line: ins.line });
      }
      // A whole tree copied to / (the standard image's rootfs: CA bundle, passwd) says nothing about a given path.
      if (index > lastFrom && dest && dest !== "/") provides.add(dest);
    }
    if (index > lastFrom && ins.keyword === "ENV") {
      for (const m of ins.args.matchAll(envPairs)) {
        const raw = m[2] ?? "";
        env.set(m[1] ?? "", raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
      }
    }
  });
  return { env, provides, contextSources };
}

/** A file path is provided when it was copied to exactly that path, or into a folder above it. */
function provided(file: string, provides: Iterable<string>): boolean {
  for (const p of provides) {
    if (p === file || (p.endsWith("/") && file.startsWith(p)) || file.startsWith(`${p}/`)) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// build-context
// ------------------------------------------------------------------------------------------------

export const buildContextCheck: Check = {
  id: "build-context",
  title: "The build context holds what the generated Dockerfiles copy and compile",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    const { answers, root } = ctx;
    const add = (file: string, message: string, fix: string): void => {
      findings.push(finding("build-context", file, message, fix));
    };
    const exists = (rel: string): boolean => existsSync(path.join(root, rel));
    for (const file of ["Dockerfile", "deploy/docker/Dockerfile.hardened"]) {
      const dockerfile = ctx.files.get(file);
      if (dockerfile === undefined) continue;
      // fraiseql-server 2.19's build.rs runs `npm ci` for its Studio page whenever npm is on PATH, and that fails
      // (a package it needs is not on the npm registry): without npm it embeds a fallback page and builds.
      for (const ins of parseDockerfile(dockerfile)) {
        if (ins.keyword === "RUN" && /\b(install|add)\b[^;&|]*\b(nodejs|npm)\b/.test(ins.args)) {
          findings.push({
            ...finding("build-context", file, "installs Node.js/npm in a build stage: fraiseql-server's build.rs then runs `npm ci` for its Studio page, which fails, and the compile with it", "keep npm out of the builder image (the fallback Studio page is embedded without it)"),
            line: ins.line,
          });
        }
      }
      for (const { source, line } of imageFacts(dockerfile).contextSources) {
        if (source === "." || /[$*?]/.test(source)) continue;
        if (!exists(source)) {
          findings.push({
            ...finding("build-context", file, `COPY ${source}: ${source} does not exist in the build context (the repository root), so the image build fails`,
              source === answers.schema.path
                ? `put the schema at ${source}, or change schema.path (or schema.source) with fraiseql-deploy upgrade --set`
                : `restore ${source} (fraiseql-deploy upgrade --restore brings back a generated file you deleted)`),
            line,
          });
        }
      }
    }
    if (answers.server.source === "crates") {
      const manifest = `${containerPaths.pinDir}/Cargo.toml`;
      const lock = `${containerPaths.pinDir}/Cargo.lock`;
      if (!exists(manifest)) add(manifest, "the pin manifest of the published fraiseql-server is missing, so the image build has nothing to compile", "re-run `fraiseql-deploy init`");
      if (!exists(lock)) {
        add(lock, `missing: the image build then resolves fraiseql-server ${answers.server.version}'s dependencies at build time, so two builds can compile different code`, "run `fraiseql-deploy lock` and commit the file");
      } else {
        const pinned = lockedVersion(readFileSync(path.join(root, lock), "utf8"), "fraiseql-server");
        if (pinned !== answers.server.version) {
          add(lock, `pins fraiseql-server ${pinned ?? "(nothing)"}, but server.version is ${answers.server.version}: cargo build --locked fails`, "run `fraiseql-deploy lock` after changing server.version, and commit the file");
        }
      }
    } else {
      if (!exists("Cargo.toml")) add("Cargo.toml", "server.source is workspace, but the repository has no Cargo.toml: the image build runs cargo in the build context", "set server.source to crates to build the published fraiseql-server, or build from the Cargo workspace's root");
      else {
        if (!exists("Cargo.lock")) add("Cargo.lock", "missing: the generated Dockerfile builds with --locked", "run `cargo generate-lockfile` and commit Cargo.lock");
        const packages = cargoPackages(root);
        if (!packages.has(answers.build.cargoPackage)) {
          add("Cargo.toml", `the workspace has no package ${answers.build.cargoPackage} (build.cargoPackage), so cargo build -p ${answers.build.cargoPackage} fails`, `set build.cargoPackage to the package that builds fraiseql-server (${[...packages.keys()].join(", ") || "none found"}), or server.source to crates`);
        }
        if (answers.schema.source === "image" && answers.schema.compile && !packages.has("fraiseql-cli")) {
          add("Cargo.toml", "schema.compile builds fraiseql-cli from the workspace, which has no fraiseql-cli package", "commit the compiled schema and set schema.compile to false, or add fraiseql-cli to the workspace");
        }
      }
    }
    if (answers.schema.source === "image" && exists(answers.schema.path) && answers.schema.compile) {
      try {
        const schema = JSON.parse(readFileSync(path.join(root, answers.schema.path), "utf8")) as unknown;
        if (isObj(schema) && ("_content_hash" in schema || "compiled_at" in schema || !("types" in schema))) {
          add(answers.schema.path, "looks like a compiled schema, but schema.compile is true: fraiseql-cli compile expects the authoring output (schema.json)", "set schema.compile to false to copy it as it is, or point schema.path at schema.json");
        }
      } catch {
        add(answers.schema.path, "is not valid JSON, so fraiseql-cli compile fails in the image build", "re-export it (the fraiseql package's export_schema)");
      }
    }
    return findings;
  },
};

// ------------------------------------------------------------------------------------------------
// server-boot
// ------------------------------------------------------------------------------------------------

const SERVER_TOML = containerPaths.configSource;

function bootFindings(checkId: string, file: string, subject: string, settings: Parameters<typeof bootProblems>[0]): Finding[] {
  return bootProblems(settings).map((p) =>
    finding(checkId, file, `${subject}: fraiseql-server would refuse to start: ${p.message}`, "change the setting (in fraiseql-deploy.yaml, then fraiseql-deploy upgrade, for a generated file)", p.rule),
  );
}

/** `${VAR:-default}` gives its default; `${VAR}`, `${VAR:?err}` are unknown here (undefined). */
function composeValue(value: unknown): EnvValue {
  const s = text(value);
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?-)([^}]*)\}$/.exec(s);
  if (m) return m[2];
  return /\$\{/.test(s) ? undefined : s;
}

/** The generated Dockerfiles that exist, each read as its runtime stage sets and provides things. */
function generatedImages(ctx: VerifyContext): Map<string, ImageFacts> {
  const images = new Map<string, ImageFacts>();
  for (const file of ["Dockerfile", "deploy/docker/Dockerfile.hardened"]) {
    const t = ctx.files.get(file);
    if (t !== undefined) images.set(file, imageFacts(t));
  }
  return images;
}

function imageBootFindings(ctx: VerifyContext, images: ReadonlyMap<string, ImageFacts>, findings: Finding[]): void {
  // Each image as the docs run it (`docker run` with DATABASE_URL only): its own ENV and the server.toml it copies,
  // in production mode. The schema is checked where it must be in the image (schema.source: image); otherwise
  // it is mounted at run time, as compose and the manifests do.
  for (const [file, facts] of images) {
    const configPath = facts.env.get("FRAISEQL_CONFIG");
    const configText = configPath !== undefined && provided(configPath, facts.provides) ? (ctx.files.get(SERVER_TOML) ?? readIfExists(ctx.root, SERVER_TOML)) : undefined;
    const subject = `the image as \`docker run\` starts it${configText !== undefined ? ` (config ${SERVER_TOML})` : ""}`;
    findings.push(...bootFindings("server-boot", file, subject, { env: new Map([...facts.env, ["DATABASE_URL", undefined]]), ...(configText !== undefined ? { configText } : {}), inKubernetes: false }));
    const schemaPath = facts.env.get("FRAISEQL_SCHEMA_PATH") ?? "schema.compiled.json";
    if (ctx.answers.schema.source === "image" && !provided(schemaPath, facts.provides)) {
      findings.push(finding("server-boot", file, `FRAISEQL_SCHEMA_PATH=${schemaPath}, but the image does not COPY the schema there (schema.source: image): the server exits at boot ("Schema file not found")`));
    }
  }
}

/** Each compose file's fraiseql service: the image's ENV under the service's environment, and its mounts. */
function composeBootFindings(ctx: VerifyContext, images: ReadonlyMap<string, ImageFacts>, findings: Finding[]): void {
  for (const file of ["docker-compose.yml", "docker-compose.prod.yml"]) {
    const t = ctx.files.get(file);
    if (t === undefined) continue;
    let compose: unknown;
    try {
      compose = yaml.load(t);
    } catch {
      continue; // the syntax check reports it
    }
    const service = field(compose, "services", "fraiseql");
    if (!isObj(service)) continue;
    const image = text(service.image);
    const dockerfile = isObj(service.build) ? text(service.build.dockerfile) || "Dockerfile" : image.endsWith("-hardened") ? "deploy/docker/Dockerfile.hardened" : "Dockerfile";
    const facts = images.get(dockerfile);
    const env = new Map<string, EnvValue>(facts?.env ?? []);
    const environment = service.environment;
    if (isObj(environment)) for (const [k, v] of Object.entries(environment)) env.set(k, composeValue(v));
    else if (Array.isArray(environment)) for (const e of environment.map(String)) env.set(e.split("=")[0] ?? "", composeValue(e.split("=").slice(1).join("=")));
    const mounts = new Map<string, string>();
    for (const v of list(service.volumes)) if (v.type === "bind") mounts.set(text(v.target), text(v.source));
    for (const v of Array.isArray(service.volumes) ? service.volumes.filter((x): x is string => typeof x === "string") : []) {
      const [source, target] = v.split(":");
      if (source && target) mounts.set(target, source);
    }
    const configPath = env.get("FRAISEQL_CONFIG");
    let configText: string | undefined;
    let configSource: string | undefined;
    if (configPath !== undefined) {
      const source = mounts.get(configPath) ?? (facts && provided(configPath, facts.provides) ? SERVER_TOML : undefined);
      configSource = source?.replace(/^\.\//, "");
      configText = configSource === undefined ? undefined : (ctx.files.get(configSource) ?? readIfExists(ctx.root, configSource));
      if (configText === undefined) findings.push(finding("server-boot", file, `fraiseql: FRAISEQL_CONFIG=${configPath}, but neither the image nor a mount provides that file: the server exits at boot ("failed to parse config file")`));
    }
    const subject = `fraiseql${configText !== undefined && configSource ? ` (config ${configSource})` : ""}`;
    findings.push(...bootFindings("server-boot", file, subject, { env, ...(configText !== undefined ? { configText } : {}), inKubernetes: false }));
    const schemaPath = env.get("FRAISEQL_SCHEMA_PATH") ?? "schema.compiled.json";
    if (!mounts.has(schemaPath) && !(facts && provided(schemaPath, facts.provides))) {
      findings.push(finding("server-boot", file, `fraiseql: FRAISEQL_SCHEMA_PATH=${schemaPath}, but neither the image (${dockerfile}) nor a mount provides it: the server exits at boot ("Schema file not found")`, "mount the compiled schema there, or set schema.source to image"));
    }
  }
}

function readIfExists(root: string, rel: string): string | undefined {
  try {
    return readFileSync(path.join(root, rel), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * One Kubernetes set (plain manifests, the hardened file, or a rendered chart): the fraiseql Deployment's
 * container env, the ConfigMap it mounts as its config, what provides the schema, and the NetworkPolicy.
 */
export function podBootFindings(checkId: string, docs: readonly ManifestDoc[], ctx: VerifyContext, label = ""): Finding[] {
  const findings: Finding[] = [];
  const deployment = docs.find((d) => d.doc.kind === "Deployment" && podSpecOf(d.doc));
  if (!deployment) return findings;
  const { file, doc } = deployment;
  const subject = `${nameOf(doc)}${label ? ` [${label}]` : ""}`;
  const pod = podSpecOf(doc) as Obj;
  const container = list(pod.containers)[0];
  if (!container) return findings;
  const env = new Map<string, EnvValue>();
  for (const e of list(container.env)) env.set(text(e.name), e.value === undefined ? undefined : text(e.value));
  const volumes = new Map(list(pod.volumes).map((v) => [text(v.name), v]));
  const configMaps = new Map(docs.filter((d) => d.doc.kind === "ConfigMap").map((d) => [text(field(d.doc, "metadata", "name")), d.doc]));

  // The files each volume mount provides: key names from items, else the ConfigMap's data keys, else the whole folder.
  const mounted = new Map<string, { volume: Obj; key?: string }>();
  for (const m of list(container.volumeMounts)) {
    const volume = volumes.get(text(m.name));
    if (!volume) continue;
    const mountPath = text(m.mountPath);
    if (typeof m.subPath === "string") {
      mounted.set(mountPath, { volume, key: m.subPath });
      continue;
    }
    const source = isObj(volume.configMap) ? volume.configMap : isObj(volume.secret) ? volume.secret : undefined;
    const items = list(source?.items);
    const data = isObj(volume.configMap) ? field(configMaps.get(text(volume.configMap.name)), "data") : undefined;
    const keys = items.length > 0 ? items.map((i) => ({ key: text(i.key), at: text(i.path) })) : isObj(data) ? Object.keys(data).map((k) => ({ key: k, at: k })) : [];
    if (keys.length === 0) mounted.set(`${mountPath}/`, { volume });
    for (const { key, at } of keys) mounted.set(`${mountPath}/${at}`, { volume, key });
  }
  const dockerfile = ctx.answers.profile === "hardened" || text(container.image).endsWith("-hardened") ? "deploy/docker/Dockerfile.hardened" : "Dockerfile";
  const image = ctx.files.get(dockerfile) !== undefined ? imageFacts(ctx.files.get(dockerfile) ?? "") : undefined;
  for (const [k, v] of image?.env ?? []) if (!env.has(k)) env.set(k, v);

  const configPath = env.get("FRAISEQL_CONFIG");
  let configText: string | undefined;
  let configSource: string | undefined;
  if (configPath !== undefined) {
    const mount = mounted.get(configPath);
    const cm = mount && isObj(mount.volume.configMap) ? configMaps.get(text(mount.volume.configMap.name)) : undefined;
    const fromMap = cm && mount?.key !== undefined ? field(cm, "data", mount.key) : undefined;
    if (typeof fromMap === "string") {
      configText = fromMap;
      configSource = docs.find((d) => d.doc === cm)?.file;
    } else if (!mount && image && provided(configPath, image.provides)) {
      configText = ctx.files.get(SERVER_TOML) ?? readIfExists(ctx.root, SERVER_TOML);
      configSource = SERVER_TOML;
    }
    else if (!mount) findings.push(finding(checkId, file, `${subject}: FRAISEQL_CONFIG=${configPath} is neither mounted nor in the image: the server exits at boot`));
  }
  const withConfig = `${subject}${configText !== undefined && configSource && configSource !== file ? ` (config ${configSource})` : ""}`;
  findings.push(...bootFindings(checkId, file, withConfig, { env, ...(configText !== undefined ? { configText } : {}), inKubernetes: true }));

  const schemaPath = env.get("FRAISEQL_SCHEMA_PATH") ?? "schema.compiled.json";
  const schemaMounted = mounted.has(schemaPath) || [...mounted.keys()].some((k) => k.endsWith("/") && schemaPath.startsWith(k));
  if (!schemaMounted && !(image && provided(schemaPath, image.provides))) {
    findings.push(finding(checkId, file, `${subject}: FRAISEQL_SCHEMA_PATH=${schemaPath} is provided neither by a volume mount nor by the image (${dockerfile}): the server exits at boot ("Schema file not found")`, "mount the schema ConfigMap/Secret at that path, or build it into the image (schema.source: image)"));
  }

  // NetworkPolicy egress: policies add up, so the pods are isolated for egress when any policy selecting them
  // lists Egress, and then may reach what any of those policies allows. DNS (53) and the database port must stay.
  const podLabels = field(doc, "spec", "template", "metadata", "labels");
  const selecting = docs.filter(({ doc: np }) => {
    if (np.kind !== "NetworkPolicy") return false;
    const types = field(np, "spec", "policyTypes");
    const selector = field(np, "spec", "podSelector", "matchLabels");
    const selects = !isObj(selector) || Object.entries(selector).every(([k, v]) => isObj(podLabels) && podLabels[k] === v);
    return selects && Array.isArray(types) && types.includes("Egress");
  });
  if (selecting.length > 0) {
    const rules = selecting.flatMap(({ doc: np }) => list(field(np, "spec", "egress")));
    const allows = (port: number, protocol: string): boolean =>
      rules.some((r) => {
        const ports = list(r.ports);
        return ports.length === 0 || ports.some((p) => (p.port === undefined || Number(p.port) === port || (typeof p.endPort === "number" && Number(p.port) <= port && port <= p.endPort)) && (p.protocol ?? "TCP") === protocol);
      });
    const where = selecting.map(({ doc: np }) => nameOf(np)).join(", ");
    const policyFile = selecting[0]?.file ?? file;
    if (!allows(53, "UDP")) findings.push(finding(checkId, policyFile, `${where}${label ? ` [${label}]` : ""}: no egress rule allows DNS (UDP 53), so the pods cannot resolve the database host and fail to boot`, "allow egress to kube-dns on UDP and TCP 53"));
    const dbPort = ctx.answers.networkPolicy.databasePort;
    if (!allows(dbPort, "TCP")) findings.push(finding(checkId, policyFile, `${where}${label ? ` [${label}]` : ""}: no egress rule allows the database port ${dbPort}, so the server cannot connect at boot`, "allow egress to the database CIDRs on networkPolicy.databasePort"));
  }
  return findings;
}

export const serverBootCheck: Check = {
  id: "server-boot",
  title: "fraiseql-server's boot-time checks against the settings each artifact gives it",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    const images = generatedImages(ctx);
    imageBootFindings(ctx, images, findings);
    composeBootFindings(ctx, images, findings);
    for (const set of manifestSets(ctx)) findings.push(...podBootFindings("server-boot", set.docs, ctx));
    return findings;
  },
};
