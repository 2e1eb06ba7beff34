/**
 * The one answers schema. Every answer is declared here once, with its type,
 * default, rules and help text; the wizard, the answers-file validation, the
 * JSON Schema of `fraiseql-deploy.yaml` and the chart's `values.schema.json`
 * are all derived from this list. Order matters: the wizard asks in this
 * order, and a default may depend on answers declared before it.
 */
import type { AnswerValue, Answers } from "./types.js";
import { compareVersions, defaultServerVersion, knownServerVersions, serverRelease } from "../server/releases.js";

/** What `init` learned from the user's repository before asking anything. */
export interface ProjectFacts {
  dirName: string;
  rustVersion?: string;
  crateVersion?: string;
  gitOwner?: string;
  /** A compiled schema (schema.compiled.json) found in the repository. */
  schemaPath?: string;
  /** The authoring output (schema.json, written by the fraiseql Python/TypeScript package) found in the repository. */
  schemaSourcePath?: string;
  /** The repository is a Cargo workspace holding the fraiseql-server package: its version, when it has one. */
  serverWorkspace?: { version?: string };
  /** The target version of the cluster in the current kube context, when init was asked to look (wizard, --detect-cluster). */
  clusterVersion?: string;
}

export type PartialAnswers = Record<string, AnswerValue>;

interface Choice {
  value: string;
  name: string;
  description?: string;
}

interface Pattern {
  regex: RegExp;
  rule: string;
}

export interface Field {
  key: string;
  type: "string" | "integer" | "boolean" | "enum" | "string-list" | "enum-list";
  message: string;
  help: string;
  default: AnswerValue | ((answers: PartialAnswers, facts: ProjectFacts) => AnswerValue);
  choices?: Choice[];
  pattern?: Pattern;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  /** Cross-field rule: returns the broken rule's text, or undefined. */
  check?: (value: AnswerValue, answers: PartialAnswers) => string | undefined;
  /** Only asked (and only required) when this holds. */
  when?: (answers: PartialAnswers) => boolean;
  /** Asked only when the user opts into the advanced questions. */
  advanced?: boolean;
}

const dns1123Label: Pattern = {
  regex: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  rule: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
};
const dns1123Subdomain: Pattern = {
  regex: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  rule: "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'",
};
const secretKey: Pattern = {
  regex: /^[-._a-zA-Z0-9]+$/,
  rule: "must be a valid Secret key: letters, digits, '-', '_' and '.'",
};
const quantityCpu: Pattern = {
  regex: /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/,
  rule: "must be a CPU quantity such as 250m or 1",
};
const quantityMemory: Pattern = {
  regex: /^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$/,
  rule: "must be a memory quantity such as 512Mi or 1Gi",
};
const httpOrigin: Pattern = {
  regex: /^https?:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/,
  rule: "must be an origin: http(s)://host[:port], lowercase, without a path",
};
const cidr: Pattern = {
  regex: /^(([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/[0-9]{1,3})$/,
  rule: "must be a CIDR such as 10.0.0.0/16",
};

export const supportedKubernetesVersions = [
  "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37",
] as const;

/**
 * The default target when no cluster was asked: the oldest minor upstream still supports (each minor gets
 * about 14 months; on 2026-12-06 that is 1.35, supported until 2027-02). Raise it as minors reach end of life.
 */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

export const platformChoices: Choice[] = [
  { value: "linux/amd64", name: "linux/amd64" },
  { value: "linux/arm64", name: "linux/arm64" },
  {
    value: "linux/arm/v7",
    name: "linux/arm/v7 (experimental)",
    description: "Experimental: 32-bit ARM is not a tested target of fraiseql-server (aws-lc-rs needs CMake there, and deno features cannot build).",
  },
];

const cpuMillis = (q: string): number => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
const memoryBytes = (q: string): number => {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const match = /^([0-9]+)([A-Za-z]*)$/.exec(q);
  return match ? Number(match[1]) * (units[match[2] ?? ""] ?? 1) : Number.NaN;
};

const str = (answers: PartialAnswers, key: string): string => String(answers[key] ?? "");
const bool = (answers: PartialAnswers, key: string): boolean => answers[key] === true;

export const fields: Field[] = [
  {
    key: "app.name",
    type: "string",
    message: "Application name",
    help: "Name of the Kubernetes objects, the Helm release and the compose project.",
    default: (_a, facts) => sanitizeName(facts.dirName),
    pattern: dns1123Label,
    maxLength: 40,
  },
  {
    key: "app.description",
    type: "string",
    message: "One-line description",
    help: "Used in the chart, the image labels and the docs. Free text.",
    default: "FraiseQL GraphQL API",
    maxLength: 200,
    pattern: {
      // eslint-disable-next-line no-control-regex
      regex: /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/,
      rule: "must be text without control characters (newlines and tabs are fine)",
    },
    advanced: true,
  },
  {
    key: "app.namespace",
    type: "string",
    message: "Kubernetes namespace",
    help: "Namespace the manifests and docs deploy into (never 'default').",
    default: (a) => str(a, "app.name"),
    pattern: dns1123Label,
    maxLength: 63,
    check: (v) => (v === "default" || v === "kube-system" ? "must not be 'default' or 'kube-system'" : undefined),
  },
  {
    key: "image.repository",
    type: "string",
    message: "Image repository",
    help: "Registry and repository the images are pushed to, without a tag (for example ghcr.io/acme/fraiseql).",
    default: (a, facts) =>
      facts.gitOwner ? `ghcr.io/${facts.gitOwner}/${str(a, "app.name")}` : `registry.example.com/${str(a, "app.name")}`,
    pattern: {
      regex: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]+)?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+$/,
      rule: "must be registry/path in lowercase, without a tag or digest (a bare name would resolve to docker.io/library)",
    },
  },
  {
    key: "image.tag",
    type: "string",
    message: "Image tag",
    help: "Tag deployed by the manifests and the chart's appVersion. Never 'latest'.",
    default: (_a, facts) => facts.crateVersion ?? "0.1.0",
    pattern: { regex: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, rule: "must be a Docker tag: letters, digits, '_', '.', '-'" },
    check: (v) => (v === "latest" ? "must not be 'latest': pin a version so rollouts are reproducible" : undefined),
  },
  {
    key: "image.pullPolicy",
    type: "enum",
    message: "Image pull policy",
    help: "Always re-checks the registry on every pod start (cheap, and what kube-score and Polaris expect).",
    default: "Always",
    choices: [
      { value: "Always", name: "Always" },
      { value: "IfNotPresent", name: "IfNotPresent" },
    ],
    advanced: true,
  },
  {
    key: "build.platforms",
    type: "enum-list",
    message: "Image platforms",
    help: "Platforms the images are built for. The Dockerfile cross-compiles, so no emulation is needed to build them.",
    default: ["linux/amd64", "linux/arm64"],
    choices: platformChoices,
    minItems: 1,
  },
  {
    key: "server.source",
    type: "enum",
    message: "Where does the image get fraiseql-server from?",
    help: "crates: the published fraiseql-server from crates.io at server.version (an application repository, no Rust code). workspace: a package of this repository's Cargo workspace. Detected from the repository.",
    default: (_a, facts) => (facts.serverWorkspace ? "workspace" : "crates"),
    choices: [
      { value: "crates", name: "crates: the published fraiseql-server from crates.io" },
      { value: "workspace", name: "workspace: a package of this repository's Cargo workspace" },
    ],
    advanced: true,
  },
  {
    key: "server.version",
    type: "string",
    message: "fraiseql-server version",
    help: "Exact published version the image builds (and whose runtime contract the files follow). In a workspace, read from it when this fraiseql-deploy knows that version; otherwise the newest version it proves.",
    default: (_a, facts) => {
      const own = facts.serverWorkspace?.version;
      return own !== undefined && serverRelease(own) ? own : defaultServerVersion;
    },
    pattern: { regex: /^[0-9]+\.[0-9]+\.[0-9]+$/, rule: "must be an exact version such as 2.19.0" },
    check: (v) =>
      serverRelease(String(v)) ? undefined : `is not a fraiseql-server version this fraiseql-deploy knows (it knows ${knownServerVersions()})`,
    advanced: true,
  },
  {
    key: "build.rustVersion",
    type: "string",
    message: "Rust version of the builder image",
    help: "Defaults to the Rust the server version needs (its rust-version), or the workspace's rust-toolchain.toml / rust-version when that is newer.",
    default: (a, facts) => {
      const needed = serverRelease(str(a, "server.version"))?.rustVersion;
      const own = str(a, "server.source") === "workspace" ? facts.rustVersion : undefined;
      if (own && (!needed || compareVersions(own, needed) >= 0)) return own;
      return needed ?? facts.rustVersion ?? "1.95.0";
    },
    pattern: { regex: /^[0-9]+\.[0-9]+(\.[0-9]+)?$/, rule: "must be a Rust version such as 1.95.0" },
    // In a workspace the workspace's own rust-version governs (cargo enforces it); the table rules the published crate.
    check: (v, a) => {
      const release = serverRelease(str(a, "server.version"));
      if (str(a, "server.source") !== "crates" || !release) return undefined;
      return compareVersions(String(v), release.rustVersion) < 0
        ? `must be at least ${release.rustVersion}: fraiseql-server ${release.version} declares rust-version = "${release.rustVersion}" and does not compile with Rust ${String(v)}`
        : undefined;
    },
  },
  {
    key: "build.cargoPackage",
    type: "string",
    message: "Cargo package that builds fraiseql-server",
    help: "The workspace package passed to `cargo build -p`. Its binary must be named fraiseql-server.",
    default: "fraiseql-server",
    pattern: { regex: /^[A-Za-z0-9_-]+$/, rule: "must be a Cargo package name" },
    when: (a) => str(a, "server.source") === "workspace",
    advanced: true,
  },
  {
    key: "build.debianRelease",
    type: "enum",
    message: "Debian release of the builder and runtime images",
    help: "Builder and runtime use the same release so the binary's glibc matches.",
    default: "trixie",
    choices: [
      { value: "trixie", name: "trixie (Debian 13)" },
      { value: "bookworm", name: "bookworm (Debian 12, LTS until 2028)" },
    ],
    advanced: true,
  },
  {
    key: "schema.source",
    type: "enum",
    message: "Where does the compiled schema (schema.compiled.json) come from?",
    help: "The server exits at boot without it. 'image' copies it into the image; 'configmap' or 'secret' mount it (a ConfigMap or Secret holds at most 1 MiB; use a Secret if the schema embeds credentials).",
    default: "image",
    choices: [
      { value: "image", name: "Built into the image (COPY at build time)" },
      { value: "configmap", name: "Mounted from a ConfigMap" },
      { value: "secret", name: "Mounted from a Secret" },
    ],
  },
  {
    key: "schema.compile",
    type: "boolean",
    message: "Compile the schema in the image build (fraiseql-cli compile of schema.json)?",
    help: "true: commit only the authoring output (schema.json from the fraiseql Python/TypeScript package); the image compiles it with fraiseql-cli of the server's version in its own build stage. false: commit schema.compiled.json.",
    default: (_a, facts) => !(facts.schemaPath !== undefined && facts.schemaSourcePath === undefined),
    when: (a) => str(a, "schema.source") === "image",
  },
  {
    key: "schema.path",
    type: "string",
    message: "Path of the schema in this repository",
    help: "Relative to the repository root: schema.json (the authoring output) when the image compiles it, otherwise schema.compiled.json (from `fraiseql-cli compile`).",
    default: (a, facts) =>
      str(a, "schema.source") === "image" && bool(a, "schema.compile")
        ? (facts.schemaSourcePath ?? "schema.json")
        : (facts.schemaPath ?? "schema.compiled.json"),
    pattern: {
      regex: /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.json$/,
      rule: "must be a relative .json path inside the repository (letters, digits, '.', '_', '-', '/'; no '..')",
    },
  },
  {
    key: "server.port",
    type: "integer",
    message: "HTTP port",
    help: "Port fraiseql-server listens on (FRAISEQL_BIND_ADDR). Above 1023 so the non-root user can bind it.",
    default: 8815,
    minimum: 1024,
    maximum: 65535,
  },
  {
    key: "server.logFormat",
    type: "enum",
    message: "Log format",
    help: "FRAISEQL_LOG_FORMAT: json for log pipelines, text for humans.",
    default: "json",
    choices: [
      { value: "json", name: "json" },
      { value: "text", name: "text" },
    ],
    advanced: true,
  },
  {
    key: "server.rustLog",
    type: "string",
    message: "RUST_LOG filter",
    help: "fraiseql-server logs DATABASE_URL, password included, at info level when it starts; the default keeps its own target at warn so credentials stay out of the logs.",
    default: "info,fraiseql_server=warn",
    pattern: { regex: /^[A-Za-z0-9_:=,.-]+$/, rule: "must be a tracing EnvFilter such as info,fraiseql_server=warn" },
    advanced: true,
  },
  {
    key: "server.requestTimeoutSecs",
    type: "integer",
    message: "Request timeout (seconds)",
    help: "request_timeout_secs: bounds each request and therefore the shutdown drain.",
    default: 30,
    minimum: 1,
    maximum: 600,
    advanced: true,
  },
  {
    key: "server.shutdownTimeoutSecs",
    type: "integer",
    message: "Shutdown timeout (seconds)",
    help: "FRAISEQL_SHUTDOWN_TIMEOUT_SECS: budget for background work after HTTP stops.",
    default: 25,
    minimum: 1,
    maximum: 300,
    advanced: true,
  },
  {
    key: "ingress.enabled",
    type: "boolean",
    message: "Expose the API through an Ingress?",
    help: "Creates an Ingress (networking.k8s.io/v1) with TLS from cert-manager.",
    default: false,
  },
  {
    key: "ingress.host",
    type: "string",
    message: "Public host name",
    help: "DNS name the Ingress serves, e.g. api.example.com.",
    default: (a) => `${str(a, "app.name")}.example.com`,
    pattern: dns1123Subdomain,
    maxLength: 253,
    when: (a) => bool(a, "ingress.enabled"),
  },
  {
    key: "ingress.className",
    type: "string",
    message: "IngressClass name",
    help: "ingressClassName of your controller (nginx, traefik, alb, ...).",
    default: "nginx",
    pattern: dns1123Subdomain,
    when: (a) => bool(a, "ingress.enabled"),
  },
  {
    key: "ingress.controllerNamespace",
    type: "string",
    message: "Namespace of the ingress controller",
    help: "The NetworkPolicy admits traffic to the pods only from this namespace (and from Prometheus).",
    default: "ingress-nginx",
    pattern: dns1123Label,
    when: (a) => bool(a, "ingress.enabled"),
    advanced: true,
  },
  {
    key: "ingress.tls.enabled",
    type: "boolean",
    message: "Terminate TLS at the Ingress?",
    help: "fraiseql-server speaks plain HTTP only; TLS ends at the Ingress.",
    default: true,
    when: (a) => bool(a, "ingress.enabled"),
  },
  {
    key: "ingress.tls.clusterIssuer",
    type: "string",
    message: "cert-manager ClusterIssuer",
    help: "Name of the cert-manager ClusterIssuer that signs the certificate.",
    default: "letsencrypt-prod",
    pattern: dns1123Subdomain,
    when: (a) => bool(a, "ingress.enabled") && bool(a, "ingress.tls.enabled"),
  },
  {
    key: "cors.enabled",
    type: "boolean",
    message: "Do browsers call the API directly (CORS on)?",
    help: "In production the server refuses to boot with CORS on and no origins; turn it off for an API used only by servers or behind a gateway.",
    default: (a) => bool(a, "ingress.enabled"),
  },
  {
    key: "cors.origins",
    type: "string-list",
    message: "Allowed CORS origins (comma-separated)",
    help: "Exact origins allowed to call the API from a browser, e.g. https://app.example.com.",
    default: (a) => (bool(a, "ingress.enabled") ? [`https://${str(a, "ingress.host")}`] : []),
    pattern: httpOrigin,
    when: (a) => bool(a, "cors.enabled"),
    check: (v) =>
      Array.isArray(v) && v.length === 0
        ? "needs at least one origin while cors.enabled is true (fraiseql-server refuses to boot in production otherwise); or set cors.enabled to false"
        : undefined,
  },
  {
    key: "replicas",
    type: "integer",
    message: "Replicas",
    help: "Pods to run when autoscaling is off. Two or more keep the API up during node drains.",
    default: 3,
    minimum: 1,
    maximum: 100,
  },
  {
    key: "autoscaling.enabled",
    type: "boolean",
    message: "Autoscale with a HorizontalPodAutoscaler?",
    help: "autoscaling/v2 HPA on CPU and memory utilisation.",
    default: false,
  },
  {
    key: "autoscaling.minReplicas",
    type: "integer",
    message: "Autoscaling: minimum replicas",
    help: "At least 2 so one pod can be evicted at a time.",
    default: 2,
    minimum: 1,
    maximum: 100,
    when: (a) => bool(a, "autoscaling.enabled"),
  },
  {
    key: "autoscaling.maxReplicas",
    type: "integer",
    message: "Autoscaling: maximum replicas",
    help: "Upper bound; also bounds the database connections (maxReplicas x pool size).",
    default: 10,
    minimum: 1,
    maximum: 1000,
    when: (a) => bool(a, "autoscaling.enabled"),
    check: (v, a) =>
      Number(v) <= Number(a["autoscaling.minReplicas"]) ? "must be greater than autoscaling.minReplicas" : undefined,
  },
  {
    key: "autoscaling.targetCPUUtilizationPercentage",
    type: "integer",
    message: "Autoscaling: target CPU utilisation (%)",
    help: "Average CPU utilisation, relative to the CPU request, that the HPA aims for.",
    default: 70,
    minimum: 10,
    maximum: 100,
    when: (a) => bool(a, "autoscaling.enabled"),
  },
  {
    key: "autoscaling.targetMemoryUtilizationPercentage",
    type: "integer",
    message: "Autoscaling: target memory utilisation (%)",
    help: "Average memory utilisation, relative to the memory request, that the HPA aims for.",
    default: 80,
    minimum: 10,
    maximum: 100,
    when: (a) => bool(a, "autoscaling.enabled"),
  },
  {
    key: "resources.requests.cpu",
    type: "string",
    message: "CPU request",
    help: "Guaranteed CPU per pod.",
    default: "250m",
    pattern: quantityCpu,
    advanced: true,
  },
  {
    key: "resources.requests.memory",
    type: "string",
    message: "Memory request",
    help: "Guaranteed memory per pod.",
    default: "512Mi",
    pattern: quantityMemory,
    advanced: true,
  },
  {
    key: "resources.limits.cpu",
    type: "string",
    message: "CPU limit",
    help: "CPU ceiling per pod.",
    default: "1000m",
    pattern: quantityCpu,
    advanced: true,
    check: (v, a) =>
      cpuMillis(String(v)) < cpuMillis(str(a, "resources.requests.cpu"))
        ? "must be at least resources.requests.cpu"
        : undefined,
  },
  {
    key: "resources.limits.memory",
    type: "string",
    message: "Memory limit",
    help: "Memory ceiling per pod; the pod is OOM-killed above it.",
    default: "1Gi",
    pattern: quantityMemory,
    advanced: true,
    check: (v, a) =>
      memoryBytes(String(v)) < memoryBytes(str(a, "resources.requests.memory"))
        ? "must be at least resources.requests.memory"
        : undefined,
  },
  {
    key: "database.existingSecret",
    type: "string",
    message: "Name of the Secret holding DATABASE_URL",
    help: "An existing Secret in the namespace; fraiseql-deploy never writes the URL itself.",
    default: (a) => `${str(a, "app.name")}-database`,
    pattern: dns1123Subdomain,
    maxLength: 253,
  },
  {
    key: "database.secretKey",
    type: "string",
    message: "Key of DATABASE_URL in that Secret",
    help: "The Secret's data key whose value is postgres://user:password@host:5432/db.",
    default: "DATABASE_URL",
    pattern: secretKey,
    advanced: true,
  },
  {
    key: "database.poolMinSize",
    type: "integer",
    message: "Database pool: minimum connections per pod",
    help: "pool_min_size in the server config.",
    default: 5,
    minimum: 1,
    maximum: 500,
    advanced: true,
  },
  {
    key: "database.poolMaxSize",
    type: "integer",
    message: "Database pool: maximum connections per pod",
    help: "pool_max_size; the database must accept replicas x this many connections.",
    default: 20,
    minimum: 1,
    maximum: 1000,
    advanced: true,
    check: (v, a) =>
      Number(v) < Number(a["database.poolMinSize"]) ? "must be at least database.poolMinSize" : undefined,
  },
  {
    key: "metrics.enabled",
    type: "boolean",
    message: "Expose Prometheus metrics (/metrics, bearer-token protected)?",
    help: "Sets FRAISEQL_METRICS_ENABLED and reads FRAISEQL_METRICS_TOKEN (16+ characters) from a Secret.",
    default: true,
  },
  {
    key: "metrics.existingSecret",
    type: "string",
    message: "Name of the Secret holding the metrics token",
    help: "An existing Secret; its key holds a token of at least 16 characters.",
    default: (a) => `${str(a, "app.name")}-metrics`,
    pattern: dns1123Subdomain,
    maxLength: 253,
    when: (a) => bool(a, "metrics.enabled"),
  },
  {
    key: "metrics.secretKey",
    type: "string",
    message: "Key of the token in that Secret",
    help: "The Secret's data key holding the bearer token.",
    default: "token",
    pattern: secretKey,
    when: (a) => bool(a, "metrics.enabled"),
    advanced: true,
  },
  {
    key: "metrics.prometheusNamespace",
    type: "string",
    message: "Namespace Prometheus scrapes from",
    help: "The NetworkPolicy admits scrapes from this namespace.",
    default: "monitoring",
    pattern: dns1123Label,
    when: (a) => bool(a, "metrics.enabled"),
    advanced: true,
  },
  {
    key: "metrics.serviceMonitor",
    type: "boolean",
    message: "Create a Prometheus Operator ServiceMonitor in the chart?",
    help: "Needs the monitoring.coreos.com CRDs in the cluster.",
    default: false,
    when: (a) => bool(a, "metrics.enabled"),
    advanced: true,
  },
  {
    key: "tracing.otlpEndpoint",
    type: "string",
    message: "OTLP traces endpoint (empty for none)",
    help: "OTLP/HTTP endpoint with the full path, e.g. http://otel-collector.monitoring:4318/v1/traces. Needs the tracing-opentelemetry cargo feature (added automatically).",
    default: "",
    pattern: {
      regex: /^(|https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?)$/,
      rule: "must be empty or an http(s) URL such as http://otel-collector:4318/v1/traces",
    },
    advanced: true,
  },
  {
    key: "redis.enabled",
    type: "boolean",
    message: "Use Redis (rate limiting, APQ, PKCE state shared across replicas)?",
    help: "Adds the redis-* cargo features, a Redis service in compose and NetworkPolicy egress. The Redis URL itself lives in the compiled schema.",
    default: false,
    advanced: true,
  },
  {
    key: "build.cargoFeatures",
    type: "string-list",
    message: "Extra cargo features of fraiseql-server (comma-separated)",
    help: "crates: written into deploy/fraiseql/server/Cargo.toml (run fraiseql-deploy lock after a change); workspace: passed to cargo build --features. Published images have only the defaults (auth, cli).",
    default: (a) => impliedFeatures(a),
    pattern: { regex: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)?$/, rule: "must be a cargo feature name" },
    check: (v, a) => {
      const missing = impliedFeatures(a).filter((f) => !(v as string[]).includes(f));
      if (missing.length > 0) return `must include ${missing.join(", ")} (needed by the answers for tracing or Redis)`;
      const release = serverRelease(str(a, "server.version"));
      // A workspace may add features of its own; the published crate has exactly its [features] table.
      if (!release || str(a, "server.source") !== "crates") return undefined;
      const unknown = (v as string[]).filter((f) => !release.features.includes(f));
      return unknown.length > 0
        ? `names ${unknown.join(", ")}, which fraiseql-server ${release.version} does not have (its features: ${release.features.join(", ")})`
        : undefined;
    },
    advanced: true,
  },
  {
    key: "kubernetes.version",
    type: "enum",
    message: "Target Kubernetes version (oldest cluster you run)",
    help: "Below 1.25 a PodSecurityPolicy is generated; from 1.25 Pod Security Admission namespace labels. The wizard offers the version of the cluster in your current kube context.",
    default: (_a, facts) => facts.clusterVersion ?? DEFAULT_KUBERNETES_VERSION,
    choices: supportedKubernetesVersions.map((v) => ({ value: v, name: v })),
  },
  {
    key: "kubernetes.preStopSleepSeconds",
    type: "integer",
    message: "preStop pause (seconds)",
    help: "Readiness does not flip on SIGTERM, so the pod keeps serving this long while endpoints update.",
    default: 10,
    minimum: 1,
    maximum: 60,
    advanced: true,
  },
  {
    key: "networkPolicy.enabled",
    type: "boolean",
    message: "Restrict traffic with a NetworkPolicy (default deny)?",
    help: "Ingress only from the ingress controller and Prometheus; egress only to DNS, the database and the enabled extras.",
    default: true,
  },
  {
    key: "networkPolicy.databaseCidrs",
    type: "string-list",
    message: "Database address ranges for egress (comma-separated CIDRs)",
    help: "Where PostgreSQL lives. Narrow these to your database's address; the default allows the private ranges.",
    default: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
    pattern: cidr,
    minItems: 1,
    when: (a) => bool(a, "networkPolicy.enabled"),
  },
  {
    key: "networkPolicy.clientNamespaces",
    type: "string-list",
    message: "Namespaces whose pods may call the API directly (comma-separated)",
    help: "In-cluster clients admitted by the NetworkPolicy besides the ingress controller and Prometheus. Without an Ingress, the app's own namespace by default.",
    default: (a) => (bool(a, "ingress.enabled") ? [] : [str(a, "app.namespace")]),
    pattern: dns1123Label,
    when: (a) => bool(a, "networkPolicy.enabled"),
  },
  {
    key: "networkPolicy.databasePort",
    type: "integer",
    message: "Database port",
    help: "TCP port of PostgreSQL.",
    default: 5432,
    minimum: 1,
    maximum: 65535,
    when: (a) => bool(a, "networkPolicy.enabled"),
    advanced: true,
  },
  {
    key: "profile",
    type: "enum",
    message: "Deployment profile",
    help: "hardened deploys the distroless image (no shell) everywhere; standard deploys the Debian-slim image, which has a shell for debugging. Both Dockerfiles are always generated.",
    default: "hardened",
    choices: [
      { value: "hardened", name: "hardened (distroless, no shell)" },
      { value: "standard", name: "standard (debian-slim)" },
    ],
  },
];

/** Cargo features that other answers need compiled in. */
export function impliedFeatures(answers: PartialAnswers): string[] {
  const features: string[] = [];
  if (str(answers, "tracing.otlpEndpoint") !== "") features.push("tracing-opentelemetry");
  if (bool(answers, "redis.enabled")) features.push("redis-rate-limiting", "redis-apq", "redis-pkce");
  return features;
}

export function sanitizeName(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return /^[a-z0-9]/.test(name) ? name : "fraiseql";
}

export function fieldByKey(key: string): Field | undefined {
  return fields.find((f) => f.key === key);
}

export type { Answers };
