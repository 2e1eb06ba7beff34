/**
 * The Helm chart (deploy/kubernetes/helm/fraiseql), rendered in memory: Chart.yaml and values.yaml
 * parse and carry the answers, values.yaml has the seed's twelve sections and documents every key,
 * values.schema.json (buildValuesSchema) is derived from the answers schema and accepts the rendered
 * values, and the verbatim Helm templates keep to CONVENTIONS.md. Real helm / kubeconform /
 * kube-score runs over a values matrix are integration tests.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { Ajv, type ValidateFunction } from "ajv";
import { fieldByKey, fields, supportedKubernetesVersions, type PartialAnswers } from "../../src/answers/fields.js";
import type { Answers } from "../../src/answers/types.js";
import { serverEnvVars } from "../../src/k8s/contract.js";
import { buildContext, containerPaths, ephemeralStorage } from "../../src/generate/context.js";
import { renderServerToml } from "../../src/generate/server-toml.js";
import { CHART_DIR, renderTree, templatesDir, type Tree } from "../../src/generate/tree.js";
import { buildValuesSchema, fieldSchema, valuesDerivedFromAnswers, valuesFromAnswers } from "../../src/generate/values-schema.js";
import { answersWith, maximalAnswers } from "../helpers.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `dig(values, "image.tag")`: undefined as soon as a step is missing. */
function dig(v: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (isObj(node) ? node[key] : undefined), v);
}
function has(v: unknown, dotted: string): boolean {
  const parts = dotted.split(".");
  const parent = parts.length === 1 ? v : dig(v, parts.slice(0, -1).join("."));
  return isObj(parent) && Object.hasOwn(parent, parts[parts.length - 1] ?? "");
}
/** The sub-schema describing a dotted values path (through `properties` only). */
function schemaAt(schema: unknown, dotted: string): Obj | undefined {
  let node: unknown = schema;
  for (const key of dotted.split(".")) {
    const properties = isObj(node) ? node.properties : undefined;
    node = isObj(properties) ? properties[key] : undefined;
  }
  return isObj(node) ? node : undefined;
}
/** Every key path of a values object, objects included ("image", "image.tag", ...). */
function keyPaths(v: unknown, prefix = ""): string[] {
  if (!isObj(v)) return [];
  return Object.entries(v).flatMap(([k, child]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...keyPaths(child, p)];
  });
}
/** Every property path a schema declares (through `properties`). */
function schemaPaths(schema: unknown, prefix = ""): string[] {
  const properties = isObj(schema) ? schema.properties : undefined;
  if (!isObj(properties)) return [];
  return Object.entries(properties).flatMap(([k, child]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...schemaPaths(child, p)];
  });
}

interface Chart {
  answers: Answers;
  tree: Tree;
  file: (rel: string) => string;
  chartYaml: Obj;
  valuesText: string;
  values: Obj;
}

async function chartFor(given: PartialAnswers = {}): Promise<Chart> {
  const answers = answersWith(given);
  const tree = await renderTree(answers, "0.0.0-test");
  const file = (rel: string): string => {
    const content = tree.get(`${CHART_DIR}/${rel}`)?.content;
    if (content === undefined) throw new Error(`${CHART_DIR}/${rel} was not generated`);
    return content;
  };
  const chartYaml = yaml.load(file("Chart.yaml"));
  const valuesText = file("values.yaml");
  const values = yaml.load(valuesText);
  if (!isObj(chartYaml) || !isObj(values)) throw new Error("Chart.yaml or values.yaml is not a mapping");
  return { answers, tree, file, chartYaml, valuesText, values };
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  // strictRequired off: `if/then` name required keys declared in the parent's properties.
  compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(buildValuesSchema());
  return compiled;
}
function schemaErrors(values: unknown): string[] {
  const validate = validator();
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
const withValue = (values: Obj, dotted: string, value: unknown): Obj => {
  const copy = structuredClone(values);
  const parts = dotted.split(".");
  const parent = parts.length === 1 ? copy : dig(copy, parts.slice(0, -1).join("."));
  if (!isObj(parent)) throw new Error(`no parent for ${dotted}`);
  const last = parts[parts.length - 1] ?? "";
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
};

/** Answer sets that switch every option the chart's values depend on. */
const answerSets: Record<string, PartialAnswers> = {
  defaults: {},
  maximal: maximalAnswers,
  standard: { profile: "standard", "schema.source": "secret", "kubernetes.version": "1.29" },
  minimal: { replicas: 1, "metrics.enabled": false, "networkPolicy.enabled": false, "cors.enabled": false, "kubernetes.version": "1.23" },
  ingressNoTls: { "ingress.enabled": true, "ingress.host": "api.example.com", "ingress.tls.enabled": false, "server.port": 9000 },
  hostile: { "app.description": 'quote " colon: # {{x}} \\ newline\nand tab\t café', "tracing.otlpEndpoint": "https://otel.example.com/v1/traces" },
};

const TEMPLATE_FILES = [
  "_helpers.tpl",
  "deployment.yaml",
  "service.yaml",
  "configmap.yaml",
  "hpa.yaml",
  "ingress.yaml",
  "pdb.yaml",
  "networkpolicy.yaml",
  "httproute.yaml",
  "serviceaccount.yaml",
  "servicemonitor.yaml",
  "NOTES.txt",
  "tests/test-connection.yaml",
];

describe("helm chart: files", () => {
  it("generates Chart.yaml, values.yaml, values.schema.json, .helmignore and every template", async () => {
    const { tree } = await chartFor();
    for (const rel of ["Chart.yaml", "values.yaml", "values.schema.json", ".helmignore", ...TEMPLATE_FILES.map((t) => `templates/${t}`)]) {
      expect(tree.has(`${CHART_DIR}/${rel}`), rel).toBe(true);
    }
  });

  it("copies the Helm templates byte for byte (their {{ }} is Helm's, never Handlebars')", async () => {
    const { file } = await chartFor(maximalAnswers);
    const source = path.join(templatesDir(), CHART_DIR);
    for (const t of TEMPLATE_FILES) expect(file(`templates/${t}`), t).toBe(await readFile(path.join(source, "templates", t), "utf8"));
    expect(file(".helmignore")).toBe(await readFile(path.join(source, "dot.helmignore"), "utf8"));
    // .helmignore must never drop templates/tests (a bare "tests/" pattern matches any folder named tests).
    expect(file(".helmignore")).not.toMatch(/^\/?tests\/?$/m);
  });

  it("writes values.schema.json as buildValuesSchema() returns it", async () => {
    const { file } = await chartFor();
    expect(JSON.parse(file("values.schema.json"))).toEqual(buildValuesSchema());
  });
});

describe("helm chart: Chart.yaml", () => {
  it.each(Object.entries(answerSets))("is a v2 application chart for the answers (%s)", async (_name, given) => {
    const { answers, chartYaml, file } = await chartFor(given);
    expect(chartYaml).toMatchObject({ apiVersion: "v2", name: "fraiseql", type: "application", version: "0.1.0" });
    expect(chartYaml.appVersion).toBe(answers.image.tag);
    expect(file("Chart.yaml")).toMatch(/^appVersion: "/m);
    expect(chartYaml.description).toBe(answers.app.description);
    expect(chartYaml.kubeVersion).toBe(`>=${answers.kubernetes.version}.0-0`);
    const images = yaml.load(String(dig(chartYaml, "annotations") && (chartYaml.annotations as Obj)["artifacthub.io/images"]));
    expect(images).toEqual([{ name: "fraiseql-server", image: buildContext(answers, "t").derived.deployImageRef }]);
  });
});

describe("helm chart: values.yaml", () => {
  it("has the keys the seed's test asserts", async () => {
    const { values } = await chartFor();
    for (const key of ["image", "replicaCount", "service", "database", "autoscaling", "security"]) expect(values, key).toHaveProperty([key]);
  });

  it("has the seed's twelve sections, in order, each with its keys", async () => {
    const { values, valuesText } = await chartFor();
    const sections: [RegExp, string[]][] = [
      [/^# 1\. Image$/m, ["image.repository", "image.tag", "image.pullPolicy"]],
      [/^# 2\. Replication and autoscaling$/m, ["replicaCount", "autoscaling.enabled", "autoscaling.minReplicas", "autoscaling.maxReplicas"]],
      [/^# 3\. Service$/m, ["service.type", "service.port"]],
      [/^# 4\. Ingress/m, ["ingress.enabled", "ingress.className", "ingress.host", "ingress.tls.enabled", "ingress.tls.clusterIssuer", "httpRoute.enabled"]],
      [/^# 5\. Resources$/m, ["resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory"]],
      [/^# 6\. Health checks/m, ["probes.startup", "probes.readiness", "probes.liveness", "lifecycle.preStopSleepSeconds"]],
      [/^# 7\. Application config/m, ["server.port", "cors.enabled", "schema.source"]],
      [/^# 8\. Database$/m, ["database.existingSecret", "database.secretKey", "database.poolMinSize", "database.poolMaxSize"]],
      [/^# 9\. Secrets management$/m, ["secrets.rotation"]],
      [/^# 10\. Security$/m, ["security.podSecurityContext", "security.containerSecurityContext", "serviceAccount.automount", "networkPolicy.enabled"]],
      [/^# 11\. Pod disruption budget$/m, ["podDisruptionBudget.enabled", "podDisruptionBudget.maxUnavailable"]],
      [/^# 12\. Affinity and topology$/m, ["affinity", "topologySpreadConstraints", "podAntiAffinityPreset", "topologySpreadPreset", "nodeSelector", "tolerations"]],
    ];
    let previous = -1;
    for (const [header, keys] of sections) {
      const at = valuesText.search(header);
      expect(at, String(header)).toBeGreaterThan(previous);
      previous = at;
      for (const key of keys) expect(has(values, key), key).toBe(true);
    }
  });

  it("documents every key with a comment naming it, and uses camelCase keys", async () => {
    const { valuesText } = await chartFor(maximalAnswers);
    const stack: string[] = [];
    const comments: string[] = [];
    let keys = 0;
    for (const line of valuesText.split("\n")) {
      if (line.trim() === "") {
        comments.length = 0;
        continue;
      }
      if (/^\s*#/.test(line)) {
        comments.push(line.trim());
        continue;
      }
      const match = /^( *)([^\s:#]+):(?: |$)/.exec(line);
      expect(match, `not a key line: ${line}`).not.toBeNull();
      const depth = (match?.[1]?.length ?? 0) / 2;
      const key = match?.[2] ?? "";
      stack.length = depth;
      stack.push(key);
      const dotted = stack.join(".");
      expect(key, dotted).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(comments.some((c) => c.startsWith(`# ${dotted} -- `)), `no "# ${dotted} -- ..." comment above ${dotted}`).toBe(true);
      comments.length = 0;
      keys++;
    }
    expect(keys).toBeGreaterThan(100);
  });

  it("sizes ephemeral storage as the plain manifests do", async () => {
    const { values } = await chartFor();
    expect(dig(values, "resources.requests.ephemeralStorage")).toBe(ephemeralStorage.request);
    expect(dig(values, "resources.limits.ephemeralStorage")).toBe(ephemeralStorage.limit);
  });

  it("quotes every string answer (a tag like 1.0 must stay a string)", async () => {
    const { values } = await chartFor({ "image.tag": "1.10", "resources.limits.cpu": "2" });
    expect(dig(values, "image.tag")).toBe("1.10");
    expect(dig(values, "resources.limits.cpu")).toBe("2");
  });

  it.each(Object.entries(answerSets))("carries the answers (%s)", async (_name, given) => {
    const { answers, values } = await chartFor(given);
    const flat = new Map(fields.map((f) => [f.key, dig(answers, f.key)]));
    for (const [valuesPath, answerKey] of Object.entries(valuesFromAnswers)) {
      expect(dig(values, valuesPath), `${valuesPath} <- ${answerKey}`).toEqual(flat.get(answerKey));
    }
    const context = buildContext(answers, "t") as unknown as Obj;
    for (const [valuesPath, source] of Object.entries(valuesDerivedFromAnswers)) {
      expect(dig(values, valuesPath), `${valuesPath} <- ${source}`).toEqual(dig(context, source) ?? flat.get(source));
    }
  });

  it("accounts for every answer: in values.yaml, or deliberately elsewhere", () => {
    const elsewhere: Record<string, string> = {
      "app.name": "the release name (object names), tracing.serviceName and the default Secret/ConfigMap names",
      "app.namespace": "the release namespace",
      "app.description": "Chart.yaml description",
      "kubernetes.version": "Chart.yaml kubeVersion; the templates read .Capabilities.KubeVersion",
      "schema.path": "a repository path, used at build time only",
      "schema.compile": "the image build (its schema stage); the chart mounts or bakes in the compiled schema either way",
      "server.source": "how the image builds the server (Dockerfiles, deploy/fraiseql/server/); the chart deploys the image",
      "server.version": "the server the image builds (pin manifest) and the PostgreSQL minimum in the docs; the chart deploys image.tag",
    };
    const inValues = new Set(Object.values(valuesFromAnswers));
    for (const field of fields) {
      if (field.key.startsWith("build.")) continue; // image build inputs
      expect(inValues.has(field.key) || field.key in elsewhere, `answer ${field.key} is neither in values.yaml nor accounted for`).toBe(true);
    }
  });
});

describe("helm chart: values.schema.json", () => {
  it("is draft-07 with every top-level key required and no unknown keys", () => {
    const schema = buildValuesSchema() as Obj;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["image", "replicaCount", "service", "database", "autoscaling", "security"]));
  });

  it.each(Object.entries(answerSets))("accepts the rendered values.yaml (%s)", async (_name, given) => {
    const { values } = await chartFor(given);
    expect(schemaErrors(values)).toEqual([]);
  });

  it("accepts the values for every supported Kubernetes version and both profiles", async () => {
    for (const version of supportedKubernetesVersions) {
      for (const profile of ["hardened", "standard"]) {
        const { values } = await chartFor({ "kubernetes.version": version, profile });
        expect(schemaErrors(values), `${version} ${profile}`).toEqual([]);
      }
    }
  });

  it("describes the whole values.yaml, and nothing values.yaml lacks", async () => {
    const { values } = await chartFor(maximalAnswers);
    const schema = buildValuesSchema();
    const passThrough = /^(affinity|nodeSelector|podAnnotations|podLabels|imagePullSecrets|tolerations|topologySpreadConstraints|(service|ingress|serviceAccount)\.annotations|metrics\.serviceMonitor\.labels|networkPolicy\.extra(Ingress|Egress)|httpRoute\.(parentRefs|hostnames))\./;
    for (const p of keyPaths(values)) {
      if (passThrough.test(p)) continue;
      expect(schemaAt(schema, p), `values key ${p} has no schema`).toBeDefined();
    }
    const declared = schemaPaths(schema).filter((p) => p !== "global");
    const optionalInSchemaOnly = new Set(["security.podSecurityContext.supplementalGroups", "security.containerSecurityContext.capabilities.add", "security.podSecurityContext.seccompProfile.localhostProfile", "security.containerSecurityContext.seccompProfile.localhostProfile"]);
    for (const p of declared) {
      if (optionalInSchemaOnly.has(p)) continue;
      expect(has(values, p), `schema declares ${p}, values.yaml lacks it`).toBe(true);
    }
  });

  it("takes type, pattern, bounds, choices and help text of every answer-backed key from the answers schema", () => {
    const schema = buildValuesSchema();
    for (const [valuesPath, answerKey] of Object.entries(valuesFromAnswers)) {
      const field = fieldByKey(answerKey);
      expect(field, answerKey).toBeDefined();
      if (!field) continue;
      const at = schemaAt(schema, valuesPath);
      expect(at, valuesPath).toMatchObject(fieldSchema(field));
      expect(at?.description, valuesPath).toBe(field.help);
      if (field.pattern) {
        const pattern = field.type.endsWith("-list") ? dig(at, "items.pattern") : at?.pattern;
        expect(pattern, valuesPath).toBe(field.pattern.regex.source);
      }
      if (field.choices) {
        const choices = field.type.endsWith("-list") ? dig(at, "items.enum") : at?.enum;
        expect(choices, valuesPath).toEqual(field.choices.map((c) => c.value));
      }
      if (field.minimum !== undefined) expect(at?.minimum, valuesPath).toBe(field.minimum);
      if (field.maximum !== undefined) expect(at?.maximum, valuesPath).toBe(field.maximum);
    }
  });

  it("maps a Field to JSON Schema", () => {
    expect(fieldSchema(fieldByKey("server.port") ?? fields[0]!)).toEqual({
      title: "HTTP port",
      description: expect.stringContaining("FRAISEQL_BIND_ADDR") as unknown,
      type: "integer",
      minimum: 1024,
      maximum: 65535,
    });
    expect(fieldSchema(fieldByKey("networkPolicy.databaseCidrs") ?? fields[0]!)).toMatchObject({
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { type: "string", pattern: expect.any(String) as unknown },
    });
    expect(fieldSchema(fieldByKey("image.pullPolicy") ?? fields[0]!)).toMatchObject({ type: "string", enum: ["Always", "IfNotPresent"] });
    expect(fieldSchema(fieldByKey("metrics.enabled") ?? fields[0]!)).toMatchObject({ type: "boolean" });
  });

  it("uses only patterns Helm's RE2 engine and ajv both accept", () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isObj(node)) {
        if (typeof node.pattern === "string") patterns.push(node.pattern);
        Object.values(node).forEach(walk);
      }
    };
    walk(buildValuesSchema());
    expect(patterns.length).toBeGreaterThan(20);
    for (const p of patterns) {
      expect(p, "no lookaround (RE2)").not.toMatch(/\(\?[=!<]/);
      expect(p, "no backreference (RE2)").not.toMatch(/\\[1-9]/);
      expect(p, "no \\u escapes (RE2 spells them \\x{...})").not.toMatch(/\\u/);
      expect(() => new RegExp(p, "u"), p).not.toThrow();
    }
    for (const key of Object.values(valuesFromAnswers)) expect(fieldByKey(key)?.pattern?.regex.flags ?? "", key).toBe("");
  });

  it("rejects values the answers would reject", async () => {
    const { values } = await chartFor();
    const rejected: [string, unknown][] = [
      ["image.tag", "latest"],
      ["image.tag", "has space"],
      ["image.repository", "UPPER/case"],
      ["image.variant", "distroless"],
      ["image.digest", "sha256:abc"],
      ["server.port", 80],
      ["server.port", "8815"],
      ["replicaCount", 0],
      ["resources.requests.cpu", "lots"],
      ["database.existingSecret", ""],
      ["database.existingSecret", undefined],
      ["cors.origins", ["https://app.example.com/path"]],
      ["networkPolicy.databaseCidrs", []],
      ["networkPolicy.databaseCidrs", ["10.0.0.0"]],
      ["tracing.otlpEndpoint", "grpc://collector:4317"],
      ["security.containerSecurityContext.privileged", true],
      ["security.containerSecurityContext.allowPrivilegeEscalation", true],
      ["security.podSecurityContext.runAsNonRoot", false],
      ["security.containerSecurityContext.capabilities.drop", ["NET_RAW"]],
      ["tests.image.tag", "latest"],
      ["unknownKey", true],
      ["image.unknownKey", true],
    ];
    for (const [key, value] of rejected) expect(schemaErrors(withValue(values, key, value)), `${key}=${JSON.stringify(value)}`).not.toEqual([]);
  });

  it("applies the answers' conditions (when / cross-field rules)", async () => {
    const { values } = await chartFor();
    const set = (pairs: [string, unknown][]): Obj => pairs.reduce((v, [k, x]) => withValue(v, k, x), values);
    // CORS on needs an origin (the server refuses to boot otherwise).
    expect(schemaErrors(set([["cors.enabled", true], ["cors.origins", []]]))).not.toEqual([]);
    expect(schemaErrors(set([["cors.enabled", true], ["cors.origins", ["https://app.example.com"]]]))).toEqual([]);
    // The Ingress needs its host and class only when enabled; its issuer only with TLS.
    expect(schemaErrors(set([["ingress.host", undefined]]))).toEqual([]);
    expect(schemaErrors(set([["ingress.enabled", true], ["ingress.host", undefined]]))).not.toEqual([]);
    expect(schemaErrors(set([["ingress.enabled", true], ["ingress.tls.clusterIssuer", undefined]]))).not.toEqual([]);
    expect(schemaErrors(set([["ingress.enabled", true], ["ingress.tls.enabled", false], ["ingress.tls.clusterIssuer", undefined]]))).toEqual([]);
    // The metrics Secret only with metrics on.
    expect(schemaErrors(set([["metrics.existingSecret", undefined]]))).not.toEqual([]);
    expect(schemaErrors(set([["metrics.enabled", false], ["metrics.existingSecret", undefined]]))).toEqual([]);
    // The schema object only for its source.
    expect(schemaErrors(set([["schema.existingConfigMap", undefined]]))).toEqual([]);
    expect(schemaErrors(set([["schema.source", "configmap"], ["schema.existingConfigMap", undefined]]))).not.toEqual([]);
    expect(schemaErrors(set([["image.digest", `sha256:${"a".repeat(64)}`]]))).toEqual([]);
    // An HTTPRoute needs a Gateway to attach to.
    expect(schemaErrors(set([["httpRoute.enabled", true]]))).not.toEqual([]);
    expect(schemaErrors(set([["httpRoute.enabled", true], ["httpRoute.parentRefs", [{ name: "public", namespace: "gateway-system" }]]]))).toEqual([]);
  });
});

describe("helm chart: templates", () => {
  const templates = async (): Promise<Map<string, string>> => {
    const { file } = await chartFor();
    return new Map(TEMPLATE_FILES.map((t) => [t, file(`templates/${t}`)]));
  };

  it("reference only values that values.yaml defines (helm lint --strict fails otherwise)", async () => {
    const { values } = await chartFor();
    for (const [name, text] of await templates()) {
      for (const match of text.matchAll(/\.Values((?:\.[A-Za-z][A-Za-z0-9]*)+)/g)) {
        const dotted = (match[1] ?? "").slice(1);
        expect(has(values, dotted), `${name}: .Values.${dotted}`).toBe(true);
      }
    }
  });

  it("define the helpers the chart uses, all prefixed fraiseql.", async () => {
    const all = [...(await templates()).values()].join("\n");
    const defined = new Set([...all.matchAll(/define "([^"]+)"/g)].map((m) => m[1]));
    for (const name of ["fraiseql.name", "fraiseql.fullname", "fraiseql.chart", "fraiseql.labels", "fraiseql.selectorLabels", "fraiseql.serviceAccountName", "fraiseql.image"]) {
      expect(defined.has(name), name).toBe(true);
    }
    for (const name of defined) expect(name).toMatch(/^fraiseql\./);
    for (const m of all.matchAll(/include "([^"]+)"/g)) expect(defined.has(m[1]), `include ${m[1]}`).toBe(true);
  });

  it("use the images' fixed paths from src/generate/context.ts", async () => {
    const helpers = (await templates()).get("_helpers.tpl") ?? "";
    for (const [name, value] of [
      ["configDir", containerPaths.configDir],
      ["configFile", containerPaths.configFile],
      ["schemaDir", containerPaths.schemaDir],
      ["schemaFile", containerPaths.schemaFile],
    ]) {
      expect(helpers).toContain(`define "fraiseql.${name}" -}}${value}{{- end }}`);
    }
  });

  it("set only environment variables fraiseql-server reads, and never probe /health", async () => {
    const deployment = (await templates()).get("deployment.yaml") ?? "";
    const names = [...deployment.matchAll(/- name: ([A-Z_][A-Z0-9_]*)$/gm)].map((m) => m[1] ?? "");
    expect(names).toEqual(expect.arrayContaining(["FRAISEQL_BIND_ADDR", "FRAISEQL_SCHEMA_PATH", "FRAISEQL_CONFIG", "FRAISEQL_LOG_FORMAT", "RUST_LOG", "FRAISEQL_SHUTDOWN_TIMEOUT_SECS", "DATABASE_URL", "FRAISEQL_METRICS_ENABLED", "FRAISEQL_METRICS_TOKEN", "OTEL_EXPORTER_OTLP_ENDPOINT"]));
    for (const name of names) expect(serverEnvVars.has(name), name).toBe(true);
    expect(deployment).not.toContain("FRAISEQL_ENV");
    for (const text of (await templates()).values()) expect(text).not.toMatch(/path: \/health/);
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/live\n\s+port: http\n/);
  });

  it("follow CONVENTIONS.md in the Deployment", async () => {
    const deployment = (await templates()).get("deployment.yaml") ?? "";
    // Mandatory inputs fail the render with a clear message.
    expect(deployment).toMatch(/required "database\.existingSecret is required[^"]*" \.Values\.database\.existingSecret/);
    expect(deployment).toMatch(/required "metrics\.existingSecret is required[^"]*" \.Values\.metrics\.existingSecret/);
    // Config changes roll the pods.
    expect(deployment).toContain('checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}');
    // No replicas under an HPA.
    expect(deployment).toMatch(/\{\{- if \.Values\.autoscaling\.enabled \}\}\n\s+# No replicas[^\n]*\n\s+\{\{- else \}\}\n\s+replicas:/);
    // preStop: the sleep action from 1.30, else exec sleep for the standard image only.
    expect(deployment).toContain('semverCompare ">=1.30.0-0" .Capabilities.KubeVersion.Version');
    expect(deployment).toMatch(/else if eq \.Values\.image\.variant "standard" \}\}\n\s+lifecycle:\n\s+#[^\n]*\n\s+#[^\n]*\n\s+preStop:\n\s+exec:/);
    expect(deployment).toContain("terminationGracePeriodSeconds: {{ add .Values.lifecycle.preStopSleepSeconds .Values.server.requestTimeoutSecs .Values.server.shutdownTimeoutSecs 5 }}");
    for (const needle of ["ephemeral-storage: {{ .Values.resources.requests.ephemeralStorage", "sizeLimit: 64Mi", "mountPath: /tmp", "enableServiceLinks: false", "maxUnavailable: 0", "maxSurge: 1", "whenUnsatisfiable: ScheduleAnyway", "topology.kubernetes.io/zone", "kubernetes.io/hostname"]) {
      expect(deployment, needle).toContain(needle);
    }
  });

  it("render the server.toml of src/generate/server-toml.ts (same comments, same keys, same order)", async () => {
    const configmap = (await templates()).get("configmap.yaml") ?? "";
    const keyOrder = (text: string): string[] => [...text.matchAll(/^\s*([a-z_]+) = /gm)].map((m) => m[1] ?? "");
    const on = renderServerToml(answersWith({ ...maximalAnswers }));
    const off = renderServerToml(answersWith({ "cors.enabled": false }));
    for (const line of [...on.split("\n"), ...off.split("\n")].filter((l) => l.startsWith("#"))) expect(configmap, line).toContain(`    ${line}`);
    const templateKeys = keyOrder(configmap);
    expect(templateKeys.filter((k) => k !== "cors_enabled")).toEqual(keyOrder(on).filter((k) => k !== "cors_enabled"));
    expect(keyOrder(off).every((k) => templateKeys.includes(k))).toBe(true);
    // Strings as JSON strings (valid TOML basic strings), never bare.
    expect(configmap).toContain("{{ $origin | toString | toJson }}");
    // The endpoint travels in OTEL_EXPORTER_OTLP_ENDPOINT; an otlp_endpoint key would override it.
    expect(configmap).not.toContain("otlp_endpoint");
  });

  it("make a helm test pod that Pod Security \"restricted\" admits and the Service does not select", async () => {
    const all = await templates();
    const test = all.get("tests/test-connection.yaml") ?? "";
    expect(test).toContain("helm.sh/hook: test");
    expect(test).toContain("helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded");
    expect(test).toContain("toYaml .Values.security.podSecurityContext");
    expect(test).toContain("toYaml .Values.security.containerSecurityContext");
    expect(test).toContain("automountServiceAccountToken: false");
    expect(test).toMatch(/resources:\n\s+requests:[\s\S]*limits:/);
    expect(test).toContain('include "fraiseql.testImage"');
    expect(test).toContain("/readiness");
    expect(test).toContain('include "fraiseql.testLabels"');
    expect(test).not.toContain('include "fraiseql.labels"');
    expect(all.get("_helpers.tpl")).toMatch(/define "fraiseql\.testSelectorLabels" -\}\}\napp\.kubernetes\.io\/name: \{\{ include "fraiseql\.name" \. \}\}-test\napp\.kubernetes\.io\/part-of: /);
  });

  it("gate the optional objects on their values", async () => {
    const all = await templates();
    expect(all.get("hpa.yaml")).toMatch(/^\{\{- if \.Values\.autoscaling\.enabled \}\}/);
    expect(all.get("ingress.yaml")).toMatch(/^\{\{- if \.Values\.ingress\.enabled \}\}/);
    expect(all.get("httproute.yaml")).toMatch(/^\{\{- if \.Values\.httpRoute\.enabled \}\}/);
    expect(all.get("networkpolicy.yaml")).toMatch(/^\{\{- if \.Values\.networkPolicy\.enabled \}\}/);
    expect(all.get("servicemonitor.yaml")).toMatch(/^\{\{- if and \.Values\.metrics\.enabled \.Values\.metrics\.serviceMonitor\.enabled \}\}/);
    expect(all.get("pdb.yaml")).toMatch(/^\{\{- if and \.Values\.podDisruptionBudget\.enabled \(ge \(include "fraiseql\.minReplicas" \. \| int\) 2\) \}\}/);
    expect(all.get("servicemonitor.yaml")).toContain("bearerTokenSecret:");
    expect(all.get("ingress.yaml")).toContain("cert-manager.io/cluster-issuer");
    expect(all.get("ingress.yaml")).toContain("ingressClassName:");
  });
});
