/**
 * The data every template sees: the answers as they are, plus values derived
 * from them in exactly one place (so a Dockerfile and a manifest cannot
 * disagree about a port or a path).
 */
import type { Answers } from "../answers/types.js";
import { renderServerToml } from "./server-toml.js";
import { tomlString } from "./escape.js";
import { sha256Hex } from "./hash.js";
import { serverRelease, type ServerRelease } from "../server/releases.js";

/** Fixed in-container paths. Directories, so Kubernetes can mount ConfigMaps/Secrets without subPath. */
export const containerPaths = {
  binary: "/usr/local/bin/fraiseql-server",
  schemaDir: "/etc/fraiseql/schema",
  schemaFile: "/etc/fraiseql/schema/schema.compiled.json",
  configDir: "/etc/fraiseql/config",
  configFile: "/etc/fraiseql/config/server.toml",
  /** Repository path of the server config that compose files mount and the image copies. */
  configSource: "deploy/fraiseql/server.toml",
  /** Repository folder of the manifest (and lock file) that pins the published server and compiler. */
  pinDir: "deploy/fraiseql/server",
} as const;

const rustTargets: Record<string, { triple: string; gccArch: string; debianArch: string }> = {
  "linux/amd64": { triple: "x86_64-unknown-linux-gnu", gccArch: "x86-64", debianArch: "amd64" },
  "linux/arm64": { triple: "aarch64-unknown-linux-gnu", gccArch: "aarch64", debianArch: "arm64" },
  "linux/arm/v7": { triple: "armv7-unknown-linux-gnueabihf", gccArch: "arm", debianArch: "armhf" },
};

export interface Derived {
  toolVersion: string;
  bindAddr: string;
  imageRef: string;
  hardenedImageRef: string;
  /** The image the manifests and chart deploy, per the chosen profile. */
  deployImageRef: string;
  hardened: boolean;
  paths: typeof containerPaths;
  serverToml: string;
  platformsCsv: string;
  cargoFeaturesCsv: string;
  rustTargets: { platform: string; triple: string; debianArch: string }[];
  kubeMinor: number;
  kubeVersionFull: string;
  /** PodSecurityPolicy only where it still exists (< 1.25); PSA labels from 1.25. */
  podSecurityPolicy: boolean;
  podSecurityAdmission: boolean;
  /** lifecycle.preStop.sleep (no shell needed) is on by default from 1.30. */
  preStopSleepAction: boolean;
  /** A shell-less image below 1.30 cannot pause in preStop at all. */
  preStopPossible: boolean;
  pdbUnhealthyPodEvictionPolicy: boolean;
  terminationGracePeriodSeconds: number;
  minReplicas: number;
  pdbEnabled: boolean;
  tlsSecretName: string;
  otlp: { enabled: boolean; port: number };
  debianVersion: string;
  distrolessImage: string;
  runtimeImage: string;
  builderImage: string;
  schemaInImage: boolean;
  /** The image compiles the authoring schema (schema.json) with fraiseql-cli in its own stage. */
  compileSchema: boolean;
  /** The image builds the published crates (server.source: crates), not a workspace package. */
  fromCrates: boolean;
  server: ServerRelease;
  /** `=X.Y.Z`: cargo's exact requirement for the pinned crates. */
  serverVersionReq: string;
  /** build.cargoFeatures as a TOML array, each item escaped. */
  cargoFeaturesToml: string;
  /**
   * The authoring output the ConfigMap/Secret modes compile into schema.path: schema.json beside it (the name the
   * fraiseql package's export_schema writes). In image mode with schema.compile, schema.path itself.
   */
  schemaSourcePath: string;
  /** How the docs and workflows build the fraiseql-cli of the server's version, and where it lands. */
  cli: { build: string; binary: string };
  /** PostgreSQL image of the dev compose file: the oldest major the server accepts. */
  postgresImage: string;
  schemaObjectName: string;
  configMapName: string;
  /** sha256 of server.toml: a pod annotation, so a config change rolls the pods. */
  configChecksum: string;
  /** image.tag as a valid label value (63 chars, alphanumeric at both ends). */
  versionLabel: string;
  /** Pod Security Admission version label, e.g. v1.31. */
  podSecurityVersion: string;
  /** topologySpreadConstraints.matchLabelKeys is beta (on by default) from 1.27. */
  topologyMatchLabelKeys: boolean;
  /** Compose cannot read Kubernetes quantities: cpus as a decimal, memory in bytes. */
  composeLimits: { cpus: string; memory: string };
  /** Whether the NetworkPolicy admits anything at all. */
  networkPolicyHasIngress: boolean;
  /** ResourceQuota of the hardened namespace: pods x per-pod requests and limits. */
  quota: Quota;
}

export interface Quota {
  pods: number;
  requestsCpu: string;
  requestsMemory: string;
  requestsEphemeralStorage: string;
  limitsCpu: string;
  limitsMemory: string;
  limitsEphemeralStorage: string;
}

/** Per-pod ephemeral storage; fixed, it only bounds /tmp and logs. */
export const ephemeralStorage = { request: "64Mi", limit: "256Mi" } as const;

const cpuMillis = (q: string): number => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
const memoryMi = (q: string): number => {
  const match = /^([0-9]+)([A-Za-z]*)$/.exec(q);
  const units: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, k: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20, T: 1e12 / 2 ** 20, "": 1 / 2 ** 20 };
  return match ? Number(match[1]) * (units[match[2] ?? ""] ?? 1) : 0;
};

/** Quota pods: the most replicas, plus one rollout surge and one old pod still terminating. */
function quotaFor(answers: Answers): Quota {
  const pods = (answers.autoscaling.enabled ? answers.autoscaling.maxReplicas : answers.replicas) + 2;
  const mi = (q: string): string => `${Math.ceil(memoryMi(q) * pods)}Mi`;
  return {
    pods,
    requestsCpu: `${cpuMillis(answers.resources.requests.cpu) * pods}m`,
    requestsMemory: mi(answers.resources.requests.memory),
    requestsEphemeralStorage: mi(ephemeralStorage.request),
    limitsCpu: `${cpuMillis(answers.resources.limits.cpu) * pods}m`,
    limitsMemory: mi(answers.resources.limits.memory),
    limitsEphemeralStorage: mi(ephemeralStorage.limit),
  };
}

function labelValue(value: string): string {
  const trimmed = value.slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return trimmed === "" ? "unknown" : trimmed;
}

export interface TemplateContext extends Answers {
  derived: Derived;
}

export function buildContext(answers: Answers, toolVersion: string): TemplateContext {
  const kubeMinor = Number(answers.kubernetes.version.split(".")[1]);
  const hardened = answers.profile === "hardened";
  const imageRef = `${answers.image.repository}:${answers.image.tag}`;
  const hardenedImageRef = `${answers.image.repository}:${answers.image.tag}-hardened`;
  const minReplicas = answers.autoscaling.enabled ? answers.autoscaling.minReplicas : answers.replicas;
  const preStopSleepAction = kubeMinor >= 30;
  const debianVersion = answers.build.debianRelease === "trixie" ? "13" : "12";
  const otlpPort = otlpPortOf(answers.tracing.otlpEndpoint);
  const release = serverRelease(answers.server.version);
  if (!release) throw new Error(`no release row for fraiseql-server ${answers.server.version}`);
  return {
    ...answers,
    derived: {
      toolVersion,
      bindAddr: `0.0.0.0:${answers.server.port}`,
      imageRef,
      hardenedImageRef,
      deployImageRef: hardened ? hardenedImageRef : imageRef,
      hardened,
      paths: containerPaths,
      serverToml: renderServerToml(answers),
      platformsCsv: answers.build.platforms.join(","),
      cargoFeaturesCsv: answers.build.cargoFeatures.join(","),
      rustTargets: answers.build.platforms.map((platform) => {
        const target = rustTargets[platform];
        if (!target) throw new Error(`no Rust target for ${platform}`);
        return { platform, triple: target.triple, debianArch: target.debianArch };
      }),
      kubeMinor,
      kubeVersionFull: `${answers.kubernetes.version}.0`,
      podSecurityPolicy: kubeMinor < 25,
      podSecurityAdmission: kubeMinor >= 25,
      preStopSleepAction,
      preStopPossible: preStopSleepAction || !hardened,
      pdbUnhealthyPodEvictionPolicy: kubeMinor >= 27,
      // preStop pause, then in-flight requests (bounded by the request timeout), then background drain, plus margin.
      terminationGracePeriodSeconds:
        answers.kubernetes.preStopSleepSeconds + answers.server.requestTimeoutSecs + answers.server.shutdownTimeoutSecs + 5,
      minReplicas,
      pdbEnabled: minReplicas >= 2,
      tlsSecretName: `${answers.app.name}-tls`,
      otlp: { enabled: answers.tracing.otlpEndpoint !== "", port: otlpPort },
      debianVersion,
      distrolessImage: `gcr.io/distroless/cc-debian${debianVersion}:nonroot`,
      runtimeImage: `debian:${answers.build.debianRelease}-slim`,
      builderImage: `rust:${answers.build.rustVersion}-slim-${answers.build.debianRelease}`,
      schemaInImage: answers.schema.source === "image",
      compileSchema: answers.schema.source === "image" && answers.schema.compile,
      fromCrates: answers.server.source === "crates",
      server: release,
      serverVersionReq: `=${answers.server.version}`,
      cargoFeaturesToml: `[${answers.build.cargoFeatures.map(tomlString).join(", ")}]`,
      schemaSourcePath:
        answers.schema.source === "image" && answers.schema.compile
          ? answers.schema.path
          : [...answers.schema.path.split("/").slice(0, -1), "schema.json"].join("/"),
      cli:
        answers.server.source === "crates"
          ? { build: `cargo build --release --locked --manifest-path ${containerPaths.pinDir}/Cargo.toml -p fraiseql-cli`, binary: `${containerPaths.pinDir}/target/release/fraiseql-cli` }
          : { build: "cargo build --release --locked -p fraiseql-cli", binary: "target/release/fraiseql-cli" },
      postgresImage: `postgres:${release.postgresMin}-${answers.build.debianRelease}`,
      schemaObjectName: `${answers.app.name}-schema`,
      configMapName: `${answers.app.name}-config`,
      configChecksum: sha256Hex(renderServerToml(answers)),
      versionLabel: labelValue(answers.image.tag),
      podSecurityVersion: `v${answers.kubernetes.version}`,
      topologyMatchLabelKeys: kubeMinor >= 27,
      networkPolicyHasIngress: answers.ingress.enabled || answers.metrics.enabled || answers.networkPolicy.clientNamespaces.length > 0,
      quota: quotaFor(answers),
      composeLimits: {
        cpus: String(cpuMillis(answers.resources.limits.cpu) / 1000),
        memory: String(Math.round(memoryMi(answers.resources.limits.memory) * 2 ** 20)),
      },
    },
  };
}

function otlpPortOf(endpoint: string): number {
  if (endpoint === "") return 0;
  const url = new URL(endpoint);
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}
