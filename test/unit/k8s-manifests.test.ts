/**
 * The plain Kubernetes manifests (deploy/kubernetes/*.yaml, applied with
 * `kubectl apply -k`) and the hardened all-in-one file, rendered in memory for
 * several Kubernetes versions and answer sets, parsed, and held to the
 * runtime contract, CONVENTIONS.md and Pod Security "restricted".
 */
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import type { PartialAnswers } from "../../src/answers/fields.js";
import type { Answers } from "../../src/answers/types.js";
import { checkPodSecurityRestricted } from "../../src/k8s/pod-security.js";
import { databaseProbePaths, serverEnvVars } from "../../src/k8s/contract.js";
import { validateKubernetesObject } from "../../src/k8s/validate.js";
import { renderServerToml } from "../../src/generate/server-toml.js";
import { renderTree, type Tree } from "../../src/generate/tree.js";
import { answersWith, maximalAnswers } from "../helpers.js";

type Obj = Record<string, unknown>;

const DIR = "deploy/kubernetes";
const KUSTOMIZATION = `${DIR}/kustomization.yaml`;
const HARDENED = `${DIR}/fraiseql-hardened.yaml`;
const CLUSTER_SCOPED = new Set(["Namespace", "PodSecurityPolicy", "ClusterRole", "ClusterRoleBinding"]);
const PSA_VOLUME_TYPES = new Set(["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral", "image"]);

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
/** `dig(doc, "spec.template.spec.containers.0")`: undefined as soon as a step is missing. */
function dig(v: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => {
    if (Array.isArray(node)) return node[Number(key)] as unknown;
    return isObj(node) ? node[key] : undefined;
  }, v);
}
const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

function parseDocs(text: string, file: string): Obj[] {
  return yaml.loadAll(text, undefined, { filename: file }).filter(isObj);
}

interface Rendered {
  answers: Answers;
  tree: Tree;
  /** Every top-level deploy/kubernetes/*.yaml (not the chart), parsed. */
  files: Map<string, Obj[]>;
  kustomization: Obj;
  resources: string[];
  plain: Obj[];
  hardened: Obj[];
}

async function render(given: PartialAnswers): Promise<Rendered> {
  const answers = answersWith(given);
  const tree = await renderTree(answers, "0.0.0-test");
  const files = new Map<string, Obj[]>();
  for (const [p, file] of tree) {
    if (p.startsWith(`${DIR}/`) && !p.slice(DIR.length + 1).includes("/") && p.endsWith(".yaml")) files.set(p, parseDocs(file.content, p));
  }
  const kustomization = files.get(KUSTOMIZATION)?.[0] ?? {};
  const resources = (Array.isArray(kustomization.resources) ? kustomization.resources : []).map(str);
  const plain = resources.flatMap((r) => files.get(`${DIR}/${r}`) ?? []);
  return { answers, tree, files, kustomization, resources, plain, hardened: files.get(HARDENED) ?? [] };
}

const only = (docs: Obj[], kind: string, name?: string): Obj => {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || dig(d, "metadata.name") === name));
  expect(found, `exactly one ${kind}${name ? ` ${name}` : ""}`).toHaveLength(1);
  return found[0] as Obj;
};
const containerOf = (deployment: Obj): Obj => {
  const containers = objs(dig(deployment, "spec.template.spec.containers"));
  expect(containers.map((c) => c.name)).toEqual(["fraiseql-server"]);
  return containers[0] as Obj;
};
const envOf = (container: Obj): Map<string, Obj> => new Map(objs(container.env).map((e) => [str(e.name), e]));
const selectorLabels = (a: Answers): Obj => ({ "app.kubernetes.io/name": "fraiseql", "app.kubernetes.io/instance": a.app.name });
const subsetOf = (selector: unknown, labels: unknown): boolean =>
  isObj(selector) && Object.keys(selector).length > 0 && isObj(labels) && Object.entries(selector).every(([k, v]) => labels[k] === v);

const minor = (a: Answers): number => Number(a.kubernetes.version.split(".")[1]);
const podCount = (a: Answers): number => (a.autoscaling.enabled ? a.autoscaling.maxReplicas : a.replicas);
const minPods = (a: Answers): number => (a.autoscaling.enabled ? a.autoscaling.minReplicas : a.replicas);

/** The files kustomization.yaml must list, in order, for these answers. */
function expectedResources(a: Answers): string[] {
  return [
    "namespace.yaml",
    ...(minor(a) < 25 ? ["pod-security-policy.yaml"] : []),
    "serviceaccount.yaml",
    "configmap.yaml",
    "deployment.yaml",
    "service.yaml",
    ...(minPods(a) >= 2 ? ["pdb.yaml"] : []),
    ...(a.autoscaling.enabled ? ["hpa.yaml"] : []),
    ...(a.networkPolicy.enabled ? ["network-policy.yaml"] : []),
    ...(a.ingress.enabled ? ["ingress.yaml"] : []),
  ];
}

/** CPU or memory quantity in base units (millicores for CPU, bytes otherwise). */
function quantity(q: unknown, cpu: boolean): number {
  const text = str(q);
  const units: Record<string, number> = { "": 1, m: 0.001, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(text);
  if (!match) throw new Error(`not a quantity: ${text}`);
  const value = Number(match[1]) * (units[match[2] ?? ""] ?? Number.NaN);
  return cpu ? Math.round(value * 1000) : value;
}

// Oldest (PodSecurityPolicy) to newest supported, plus the boundaries of matchLabelKeys and unhealthyPodEvictionPolicy (1.27) and the preStop sleep action (1.30).
const versions = ["1.24", "1.26", "1.29", "1.30", "1.31", "1.36"] as const;
const variants: Record<string, PartialAnswers> = {
  defaults: {},
  everything: {
    "ingress.enabled": true,
    "autoscaling.enabled": true,
    "schema.source": "configmap",
    "tracing.otlpEndpoint": "http://otel-collector.monitoring:4318/v1/traces",
    "redis.enabled": true,
    "build.cargoFeatures": ["tracing-opentelemetry", "redis-rate-limiting", "redis-apq", "redis-pkce"],
  },
  "standard profile, schema Secret, plain-HTTP ingress": {
    profile: "standard",
    "schema.source": "secret",
    "ingress.enabled": true,
    "ingress.tls.enabled": false,
    "image.pullPolicy": "IfNotPresent",
    "server.port": 9000,
  },
  "one replica, no NetworkPolicy, no metrics": { replicas: 1, "networkPolicy.enabled": false, "metrics.enabled": false },
  maximal: maximalAnswers,
};

const cases = versions.flatMap((version) =>
  Object.entries(variants).map(([name, given]) => ({ label: `${name} @ ${version}`, given: { ...given, "kubernetes.version": version } })),
);

describe.each(cases)("kubernetes manifests: $label", ({ given }) => {
  const rendered = render(given);

  it("every file parses, every object validates and lives in the app namespace", async () => {
    const { answers, files } = await rendered;
    for (const [file, docs] of files) {
      expect(docs.length, file).toBeGreaterThan(0);
      if (file === KUSTOMIZATION) continue;
      for (const doc of docs) {
        const id = `${file}: ${str(doc.kind)} ${str(dig(doc, "metadata.name"))}`;
        expect(validateKubernetesObject(doc, answers.kubernetes.version), id).toEqual([]);
        if (CLUSTER_SCOPED.has(str(doc.kind))) expect(dig(doc, "metadata.namespace"), id).toBeUndefined();
        else expect(dig(doc, "metadata.namespace"), id).toBe(answers.app.namespace);
        const labels = dig(doc, "metadata.labels") as Obj;
        expect(labels["app.kubernetes.io/managed-by"], id).toBe("fraiseql-deploy");
        expect(labels["app.kubernetes.io/part-of"], id).toBe(answers.app.name);
      }
    }
    for (const [p, file] of (await rendered).tree) {
      if (p.startsWith(`${DIR}/`) && !p.includes("/helm/")) {
        expect(file.content.startsWith("# Generated by fraiseql-deploy from fraiseql-deploy.yaml."), p).toBe(true);
        expect(file.content, p).not.toMatch(/[ \t]$/m);
        expect(file.content.endsWith("\n") && !file.content.endsWith("\n\n"), p).toBe(true);
      }
    }
  });

  it("kustomization.yaml lists exactly the files that apply, and sets the namespace", async () => {
    const { answers, files, kustomization, resources } = await rendered;
    expect(kustomization.apiVersion).toBe("kustomize.config.k8s.io/v1beta1");
    expect(kustomization.kind).toBe("Kustomization");
    expect(kustomization.namespace).toBe(answers.app.namespace);
    expect(resources).toEqual(expectedResources(answers));
    for (const r of resources) expect(files.has(`${DIR}/${r}`), r).toBe(true);
    const unlisted = [...files.keys()].map((f) => f.slice(DIR.length + 1)).filter((f) => !resources.includes(f)).sort();
    const expectedUnlisted = [
      "fraiseql-hardened.yaml",
      ...(answers.autoscaling.enabled ? [] : ["hpa.yaml"]),
      ...(answers.ingress.enabled ? [] : ["ingress.yaml"]),
      "kustomization.yaml",
    ].sort();
    expect(unlisted).toEqual(expectedUnlisted);
    expect(files.has(`${DIR}/pdb.yaml`)).toBe(minPods(answers) >= 2);
    expect(files.has(`${DIR}/network-policy.yaml`)).toBe(answers.networkPolicy.enabled);
    expect(files.has(`${DIR}/pod-security-policy.yaml`)).toBe(minor(answers) < 25);
  });

  it("ingress.yaml and hpa.yaml are always written; when disabled they say so first and stay valid", async () => {
    const { answers, tree, files } = await rendered;
    for (const [file, enabled, kind] of [
      ["ingress.yaml", answers.ingress.enabled, "Ingress"],
      ["hpa.yaml", answers.autoscaling.enabled, "HorizontalPodAutoscaler"],
    ] as const) {
      const text = tree.get(`${DIR}/${file}`)?.content ?? "";
      const leadingComments = text.split("\n").filter((_, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith("#"))).join("\n");
      expect(leadingComments.includes("NOT DEPLOYED"), file).toBe(!enabled);
      if (!enabled) expect(leadingComments, file).toMatch(/--set (ingress|autoscaling)\.enabled=true/);
      const doc = only(files.get(`${DIR}/${file}`) ?? [], kind);
      expect(validateKubernetesObject(doc, answers.kubernetes.version)).toEqual([]);
    }
  });

  for (const setName of ["plain", "hardened"] as const) {
    describe(`${setName} set`, () => {
      it("Deployment: image, replicas, strategy, service account, spread", async () => {
        const r = await rendered;
        const a = r.answers;
        const deployment = only(r[setName], "Deployment");
        expect(dig(deployment, "metadata.name")).toBe(a.app.name);
        const hardenedImage = `${a.image.repository}:${a.image.tag}-hardened`;
        const image = setName === "hardened" || a.profile === "hardened" ? hardenedImage : `${a.image.repository}:${a.image.tag}`;
        const container = containerOf(deployment);
        expect(container.image).toBe(image);
        expect(container.imagePullPolicy).toBe(a.image.pullPolicy);
        if (a.autoscaling.enabled) expect(dig(deployment, "spec.replicas")).toBeUndefined();
        else expect(dig(deployment, "spec.replicas")).toBe(a.replicas);
        expect(dig(deployment, "spec.strategy")).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        const pod = dig(deployment, "spec.template.spec") as Obj;
        expect(pod.serviceAccountName).toBe(a.app.name);
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.priorityClassName).toBeUndefined();
        const sa = only(r[setName], "ServiceAccount", a.app.name);
        expect(sa.automountServiceAccountToken).toBe(false);
        const anti = objs(dig(pod, "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"));
        expect(anti.map((t) => dig(t, "podAffinityTerm.topologyKey"))).toEqual(["kubernetes.io/hostname"]);
        expect(dig(anti[0], "podAffinityTerm.labelSelector.matchLabels")).toEqual(selectorLabels(a));
        const spread = objs(pod.topologySpreadConstraints);
        expect(spread.map((s) => s.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        for (const s of spread) {
          expect(s.whenUnsatisfiable).toBe("ScheduleAnyway");
          expect(dig(s, "labelSelector.matchLabels")).toEqual(selectorLabels(a));
          expect(s.matchLabelKeys).toEqual(minor(a) >= 27 ? ["pod-template-hash"] : undefined);
        }
        expect((dig(deployment, "spec.template.metadata.labels") as Obj)["app.kubernetes.io/instance"]).toBe(dig(deployment, "metadata.name"));
      });

      it("probes: startup and readiness on /readiness, liveness on /live (no database), never the same", async () => {
        const container = containerOf(only((await rendered)[setName], "Deployment"));
        expect(container.startupProbe).toEqual({ httpGet: { path: "/readiness", port: "http" }, periodSeconds: 5, failureThreshold: 30 });
        expect(container.readinessProbe).toEqual({ httpGet: { path: "/readiness", port: "http" }, periodSeconds: 10, timeoutSeconds: 3 });
        // fraiseql-server 2.19 answers /live without touching the database, so a database outage restarts nothing.
        expect(container.livenessProbe).toEqual({ httpGet: { path: "/live", port: "http" }, periodSeconds: 20, failureThreshold: 3 });
        expect(databaseProbePaths.has("/live")).toBe(false);
        expect(container.livenessProbe).not.toEqual(container.readinessProbe);
      });

      it("port, bind address and environment follow the runtime contract", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const container = containerOf(only(docs, "Deployment"));
        expect(container.ports).toEqual([{ name: "http", containerPort: a.server.port, protocol: "TCP" }]);
        const env = envOf(container);
        expect(env.get("FRAISEQL_BIND_ADDR")?.value).toBe(`0.0.0.0:${a.server.port}`);
        expect(env.get("FRAISEQL_SCHEMA_PATH")?.value).toBe("/etc/fraiseql/schema/schema.compiled.json");
        expect(env.get("FRAISEQL_CONFIG")?.value).toBe("/etc/fraiseql/config/server.toml");
        expect(env.get("FRAISEQL_LOG_FORMAT")?.value).toBe(a.server.logFormat);
        expect(env.get("RUST_LOG")?.value).toBe(a.server.rustLog);
        expect(env.get("FRAISEQL_SHUTDOWN_TIMEOUT_SECS")?.value).toBe(String(a.server.shutdownTimeoutSecs));
        expect(env.get("DATABASE_URL")).toEqual({
          name: "DATABASE_URL",
          valueFrom: { secretKeyRef: { name: a.database.existingSecret, key: a.database.secretKey } },
        });
        expect(env.get("FRAISEQL_METRICS_ENABLED")?.value).toBe(a.metrics.enabled ? "true" : undefined);
        expect(dig(env.get("FRAISEQL_METRICS_TOKEN"), "valueFrom.secretKeyRef")).toEqual(
          a.metrics.enabled ? { name: a.metrics.existingSecret, key: a.metrics.secretKey } : undefined,
        );
        expect(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")?.value).toBe(a.tracing.otlpEndpoint === "" ? undefined : a.tracing.otlpEndpoint);
        for (const [name, e] of env) {
          expect(serverEnvVars.has(name), name).toBe(true);
          expect(typeof e.value === "string" || isObj(e.valueFrom), name).toBe(true);
        }
        expect(env.has("FRAISEQL_ENV")).toBe(false);
        expect(container.resources).toEqual({
          requests: { cpu: a.resources.requests.cpu, memory: a.resources.requests.memory, "ephemeral-storage": "64Mi" },
          limits: { cpu: a.resources.limits.cpu, memory: a.resources.limits.memory, "ephemeral-storage": "256Mi" },
        });
      });

      it("volumes: config and schema read-only, /tmp emptyDir, PSA-allowed types only", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const deployment = only(docs, "Deployment");
        const container = containerOf(deployment);
        const volumes = objs(dig(deployment, "spec.template.spec.volumes"));
        for (const v of volumes) {
          const types = Object.keys(v).filter((k) => k !== "name");
          expect(types.length, str(v.name)).toBe(1);
          expect(PSA_VOLUME_TYPES.has(types[0] ?? ""), str(v.name)).toBe(true);
        }
        const byName = new Map(volumes.map((v) => [str(v.name), v]));
        expect(dig(byName.get("config"), "configMap.name")).toBe(`${a.app.name}-config`);
        expect(dig(byName.get("tmp"), "emptyDir")).toEqual({ sizeLimit: "64Mi" });
        const schemaItems = [{ key: "schema.compiled.json", path: "schema.compiled.json" }];
        if (a.schema.source === "configmap") expect(byName.get("schema")?.configMap).toEqual({ name: `${a.app.name}-schema`, items: schemaItems });
        else if (a.schema.source === "secret") expect(byName.get("schema")?.secret).toEqual({ secretName: `${a.app.name}-schema`, items: schemaItems });
        else expect(byName.has("schema")).toBe(false);
        const mounts = objs(container.volumeMounts);
        expect(mounts).toEqual([
          { name: "config", mountPath: "/etc/fraiseql/config", readOnly: true },
          ...(a.schema.source === "image" ? [] : [{ name: "schema", mountPath: "/etc/fraiseql/schema", readOnly: true }]),
          { name: "tmp", mountPath: "/tmp" },
        ]);
        const configMap = only(docs, "ConfigMap", `${a.app.name}-config`);
        const toml = str((dig(configMap, "data") as Obj)["server.toml"]);
        expect(toml).toBe(renderServerToml(a));
        expect(() => parseToml(toml)).not.toThrow();
      });

      it('securityContext: Pod Security "restricted" plus the linters\' extras', async () => {
        const docs = (await rendered)[setName];
        const deployment = only(docs, "Deployment");
        expect(dig(deployment, "spec.template.spec.securityContext")).toEqual({
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          fsGroupChangePolicy: "OnRootMismatch",
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(containerOf(deployment).securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        const pod = dig(deployment, "spec.template.spec") as Obj;
        for (const field of ["hostNetwork", "hostPID", "hostIPC", "hostUsers", "initContainers", "ephemeralContainers"]) expect(pod[field], field).toBeUndefined();
        for (const doc of docs) expect(checkPodSecurityRestricted(doc)).toEqual([]);
      });

      it("shutdown: grace period outlasts the preStop pause and the shutdown timeout; preStop only where it can run", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const deployment = only(docs, "Deployment");
        const grace = Number(dig(deployment, "spec.template.spec.terminationGracePeriodSeconds"));
        expect(grace).toBeGreaterThan(a.kubernetes.preStopSleepSeconds + a.server.shutdownTimeoutSecs);
        expect(grace).toBe(a.kubernetes.preStopSleepSeconds + a.server.requestTimeoutSecs + a.server.shutdownTimeoutSecs + 5);
        const preStop = dig(containerOf(deployment), "lifecycle.preStop");
        const distroless = setName === "hardened" || a.profile === "hardened";
        if (minor(a) >= 30) expect(preStop).toEqual({ sleep: { seconds: a.kubernetes.preStopSleepSeconds } });
        else if (distroless) expect(preStop).toBeUndefined();
        else expect(preStop).toEqual({ exec: { command: ["sleep", String(a.kubernetes.preStopSleepSeconds)] } });
      });

      it("Service, PDB, HPA, Ingress and NetworkPolicy select the Deployment's pods", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const deployment = only(docs, "Deployment");
        const podLabels = dig(deployment, "spec.template.metadata.labels");
        expect(dig(deployment, "spec.selector.matchLabels")).toEqual(selectorLabels(a));
        expect(subsetOf(dig(deployment, "spec.selector.matchLabels"), podLabels)).toBe(true);

        const service = only(docs, "Service", a.app.name);
        expect(dig(service, "spec.type")).toBe("ClusterIP");
        expect(dig(service, "spec.selector")).toEqual(selectorLabels(a));
        expect(dig(service, "spec.ports")).toEqual([{ name: "http", port: a.server.port, targetPort: "http", protocol: "TCP" }]);

        const pdbs = docs.filter((d) => d.kind === "PodDisruptionBudget");
        expect(pdbs.length).toBe(minPods(a) >= 2 ? 1 : 0);
        for (const pdb of pdbs) {
          expect(dig(pdb, "spec.maxUnavailable")).toBe(1);
          expect(dig(pdb, "spec.minAvailable")).toBeUndefined();
          expect(dig(pdb, "spec.unhealthyPodEvictionPolicy")).toBe(minor(a) >= 27 ? "AlwaysAllow" : undefined);
          expect(subsetOf(dig(pdb, "spec.selector.matchLabels"), podLabels)).toBe(true);
        }

        const hpas = docs.filter((d) => d.kind === "HorizontalPodAutoscaler");
        expect(hpas.length).toBe(a.autoscaling.enabled ? 1 : 0);
        for (const hpa of hpas) {
          expect(hpa.apiVersion).toBe("autoscaling/v2");
          expect(dig(hpa, "spec.scaleTargetRef")).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: a.app.name });
          expect(dig(hpa, "spec.minReplicas")).toBe(a.autoscaling.minReplicas);
          expect(dig(hpa, "spec.maxReplicas")).toBe(a.autoscaling.maxReplicas);
          expect(dig(hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds")).toBe(300);
        }

        const ingresses = docs.filter((d) => d.kind === "Ingress");
        expect(ingresses.length).toBe(a.ingress.enabled ? 1 : 0);
        for (const ingress of ingresses) {
          expect(dig(ingress, "spec.ingressClassName")).toBe(a.ingress.className);
          expect(dig(ingress, "spec.rules.0.host")).toBe(a.ingress.host);
          expect(dig(ingress, "spec.rules.0.http.paths.0")).toEqual({
            path: "/",
            pathType: "Prefix",
            backend: { service: { name: a.app.name, port: { name: "http" } } },
          });
          expect(dig(ingress, "spec.tls")).toEqual(a.ingress.tls.enabled ? [{ hosts: [a.ingress.host], secretName: `${a.app.name}-tls` }] : undefined);
        }

        const policies = docs.filter((d) => d.kind === "NetworkPolicy");
        const wantPolicy = setName === "hardened" || a.networkPolicy.enabled;
        const appPolicy = policies.find((p) => dig(p, "metadata.name") === a.app.name);
        expect(appPolicy !== undefined).toBe(wantPolicy);
        if (appPolicy) {
          expect(dig(appPolicy, "spec.podSelector.matchLabels")).toEqual(selectorLabels(a));
          expect(subsetOf(dig(appPolicy, "spec.podSelector.matchLabels"), podLabels)).toBe(true);
        }
      });

      it("NetworkPolicy: default deny, DNS egress to kube-dns, database, extras and ingress sources from the answers", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const policy = docs.find((d) => d.kind === "NetworkPolicy" && dig(d, "metadata.name") === a.app.name);
        if (!policy) {
          expect(setName === "plain" && !a.networkPolicy.enabled).toBe(true);
          return;
        }
        expect(dig(policy, "spec.policyTypes")).toEqual(["Ingress", "Egress"]);
        const egress = objs(dig(policy, "spec.egress"));
        expect(egress[0]).toEqual({
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        });
        expect(egress[1]).toEqual({
          to: a.networkPolicy.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: "TCP", port: a.networkPolicy.databasePort }],
        });
        const extraPorts = egress.slice(2).map((rule) => {
          expect(rule.to).toBeUndefined();
          return dig(rule, "ports.0.port");
        });
        const otlpPort = a.tracing.otlpEndpoint === "" ? [] : [Number(new URL(a.tracing.otlpEndpoint).port || 80)];
        expect(extraPorts).toEqual([...otlpPort, ...(a.redis.enabled ? [6379] : [])]);
        const sources = objs(dig(policy, "spec.ingress")).map((rule) => {
          expect(rule.ports).toEqual([{ protocol: "TCP", port: a.server.port }]);
          expect(objs(rule.from)).toHaveLength(1);
          return (dig(rule, "from.0.namespaceSelector.matchLabels") as Obj)["kubernetes.io/metadata.name"];
        });
        expect(sources).toEqual([
          ...(a.ingress.enabled ? [a.ingress.controllerNamespace] : []),
          ...(a.metrics.enabled ? [a.metrics.prometheusNamespace] : []),
          ...a.networkPolicy.clientNamespaces,
        ]);
        if (setName === "hardened") {
          const deny = only(docs, "NetworkPolicy", "default-deny-all");
          expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        } else {
          expect(docs.some((d) => dig(d, "metadata.name") === "default-deny-all")).toBe(false);
        }
      });

      it("Pod Security: PSA namespace labels from 1.25, a PodSecurityPolicy usable by the app only below", async () => {
        const { answers: a, [setName]: docs } = await rendered;
        const namespace = only(docs, "Namespace", a.app.namespace);
        expect(docs[0]).toBe(namespace);
        const labels = dig(namespace, "metadata.labels") as Obj;
        const psaLabels = Object.keys(labels).filter((k) => k.startsWith("pod-security.kubernetes.io/"));
        const psps = docs.filter((d) => d.kind === "PodSecurityPolicy");
        if (minor(a) >= 25) {
          expect(psps).toEqual([]);
          expect(docs.some((d) => str(d.apiVersion).startsWith("policy/v1beta1"))).toBe(false);
          for (const mode of ["enforce", "audit", "warn"]) {
            expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
            expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe(`v${a.kubernetes.version}`);
          }
          expect(psaLabels).toHaveLength(6);
        } else {
          expect(psaLabels).toEqual([]);
          const psp = only(docs, "PodSecurityPolicy");
          expect(psp.apiVersion).toBe("policy/v1beta1");
          expect(dig(psp, "spec.privileged")).toBe(false);
          expect(dig(psp, "spec.allowPrivilegeEscalation")).toBe(false);
          expect(dig(psp, "spec.requiredDropCapabilities")).toEqual(["ALL"]);
          expect(dig(psp, "spec.runAsUser.rule")).toBe("MustRunAsNonRoot");
          expect(dig(psp, "spec.readOnlyRootFilesystem")).toBe(true);
          for (const v of objs(dig(only(docs, "Deployment"), "spec.template.spec.volumes"))) {
            const type = Object.keys(v).find((k) => k !== "name") ?? "";
            expect(dig(psp, "spec.volumes") as string[]).toContain(type);
          }
          const role = only(docs, "ClusterRole");
          expect(role.rules).toEqual([{ apiGroups: ["policy"], resources: ["podsecuritypolicies"], resourceNames: [dig(psp, "metadata.name")], verbs: ["use"] }]);
          const binding = only(docs, "RoleBinding");
          expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: dig(role, "metadata.name") });
          expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: a.app.name, namespace: a.app.namespace }]);
        }
      });
    });
  }

  it("the hardened file: same Deployment as deployment.yaml under profile hardened, plus ResourceQuota and LimitRange", async () => {
    const { answers: a, plain, hardened } = await rendered;
    if (a.profile === "hardened") expect(only(hardened, "Deployment")).toEqual(only(plain, "Deployment"));
    const shared = ["Namespace", "PodSecurityPolicy", "ClusterRole", "RoleBinding", "ServiceAccount", "ConfigMap", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress"];
    for (const kind of shared) {
      const inPlain = plain.filter((d) => d.kind === kind);
      expect(hardened.filter((d) => d.kind === kind), kind).toEqual(inPlain);
    }
    if (a.networkPolicy.enabled) expect(only(hardened, "NetworkPolicy", a.app.name)).toEqual(only(plain, "NetworkPolicy", a.app.name));
    expect(plain.some((d) => d.kind === "ResourceQuota" || d.kind === "LimitRange")).toBe(false);

    const pods = podCount(a) + 2;
    const hard = dig(only(hardened, "ResourceQuota", a.app.name), "spec.hard") as Obj;
    expect(hard.pods).toBe(pods);
    expect(hard["services.loadbalancers"]).toBe(0);
    expect(hard["services.nodeports"]).toBe(0);
    // Totals appear once derived.quota exists; then they must be pods x the per-pod values.
    const totals: [string, string, boolean][] = [
      ["requests.cpu", a.resources.requests.cpu, true],
      ["requests.memory", a.resources.requests.memory, false],
      ["limits.cpu", a.resources.limits.cpu, true],
      ["limits.memory", a.resources.limits.memory, false],
      ["requests.ephemeral-storage", "64Mi", false],
      ["limits.ephemeral-storage", "256Mi", false],
    ];
    for (const [key, perPod, cpu] of totals) {
      if (hard[key] !== undefined) expect(quantity(hard[key], cpu), key).toBe(quantity(perPod, cpu) * pods);
    }
    const limitRange = only(hardened, "LimitRange", a.app.name);
    expect(dig(limitRange, "spec.limits")).toEqual([
      {
        type: "Container",
        defaultRequest: { cpu: a.resources.requests.cpu, memory: a.resources.requests.memory, "ephemeral-storage": "64Mi" },
        default: { cpu: a.resources.limits.cpu, memory: a.resources.limits.memory, "ephemeral-storage": "256Mi" },
        max: { cpu: a.resources.limits.cpu, memory: a.resources.limits.memory, "ephemeral-storage": "256Mi" },
      },
    ]);
  });
});

describe("kubernetes manifests: escaping", () => {
  it("hostile free text never reaches a manifest as a line break Go's YAML parser would honour", async () => {
    // js-yaml (YAML 1.2) breaks lines only at \n and \r; kubectl's parser also breaks at NEL, LS and PS,
    // so a raw one inside a comment would turn the rest of the line into YAML for kubectl.
    const description = "evil\u2028kind: Secret\u0085x: 1\u2029y: 2\n---\napiVersion: v1 # {{x}}";
    const { tree, files } = await render({ ...maximalAnswers, "app.description": description });
    for (const [p, file] of tree) {
      if (p.startsWith(`${DIR}/`) && !p.includes("/helm/")) expect(file.content, p).not.toMatch(/[\u0085\u2028\u2029]/);
    }
    for (const [file, docs] of files) {
      for (const doc of docs) expect(JSON.stringify(doc), file).not.toContain("evil");
    }
  });
});
