/**
 * `verify --cluster`: every object the tree deploys goes through a real API server as a server-side dry
 * run: defaulting, the server's own validation (requests against limits, selectors against labels, names,
 * immutable fields) and admission. Pod Security admission enforces on Pods only (a Deployment just gets a
 * warning), so each pod template is also sent as a Pod in the namespace, labelled as the generated
 * namespace manifest labels it. Warnings count as findings. Nothing is stored; the namespace is created
 * (and removed again) only with --create-namespace.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseYamlDocuments } from "../generate/check.js";
import {
  createArgs,
  deleteNamespaceArgs,
  dryRunApplyArgs,
  getNamespaceArgs,
  getServiceAccountArgs,
  isKindNotServed,
  parseDryRun,
  parseNamespace,
  type ClusterTarget,
} from "../tools/kubectl.js";
import { mapConcurrent } from "./concurrency.js";
import { HARDENED_MANIFEST, isObj } from "./manifests.js";
import { exec as realExec } from "../tools/exec.js";
import { crashed, hasChart, kustomizationFiles, renderChart, run, VALUES_MATRIX, type ToolCheckDeps } from "./tool-checks.js";
import type { Check, Finding, VerifyContext } from "./types.js";

export const CLUSTER_CHECK = "cluster-dry-run";
const NAMESPACE_FILE = "deploy/kubernetes/namespace.yaml";
const POD_SECURITY_LABEL = /^pod-security\.kubernetes\.io\//;

/** One object to send, and where it came from. */
export interface ClusterObject {
  file: string;
  /** "Deployment acme-api", or "Pod from Deployment acme-api's template". */
  subject: string;
  object: Record<string, unknown>;
  /** The chart values it was rendered with, when from the chart. */
  values?: string;
}

const nameOf = (doc: Record<string, unknown>): string => {
  const name = isObj(doc.metadata) ? doc.metadata.name : undefined;
  return typeof name === "string" ? name : "(unnamed)";
};
const subjectOf = (doc: Record<string, unknown>): string => `${String(doc.kind)} ${nameOf(doc)}`;

/** Kinds whose spec.template is a pod template. */
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

/**
 * The Pod a workload's template makes, for Pod Security admission (which judges Pods, not their owners).
 * Named after the workload; the dry run never creates it.
 */
export function podFromTemplate(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!WORKLOADS.has(String(doc.kind)) || !isObj(doc.spec) || !isObj(doc.spec.template)) return undefined;
  const template = doc.spec.template;
  const metadata = isObj(template.metadata) ? template.metadata : {};
  const namespace = isObj(doc.metadata) ? doc.metadata.namespace : undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...metadata, name: `${nameOf(doc)}-template`.slice(0, 63), ...(namespace === undefined ? {} : { namespace }) },
    spec: template.spec,
  };
}

/** Every object (and pod template) from the documents of one file. */
export function objectsOf(file: string, docs: readonly unknown[], namespace: string, values?: string): ClusterObject[] {
  const objects: ClusterObject[] = [];
  for (const doc of docs) {
    if (!isObj(doc) || typeof doc.kind !== "string") continue;
    const object = withNamespace(doc, namespace);
    objects.push({ file, subject: subjectOf(doc), object, ...(values ? { values } : {}) });
    const pod = podFromTemplate(object);
    if (pod) objects.push({ file, subject: `Pod from ${subjectOf(doc)}'s template`, object: pod, ...(values ? { values } : {}) });
  }
  return objects;
}

/** Namespaced objects without a namespace go where the kustomization (or helm --namespace) puts them. */
function withNamespace(doc: Record<string, unknown>, namespace: string): Record<string, unknown> {
  if (CLUSTER_SCOPED.has(String(doc.kind)) || !isObj(doc.metadata) || doc.metadata.namespace !== undefined) return doc;
  return { ...doc, metadata: { ...doc.metadata, namespace } };
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PodSecurityPolicy", "PriorityClass", "StorageClass", "CustomResourceDefinition"]);

/** The objects of the tree: the plain manifests, the hardened all-in-one file, and the chart over the values matrix. */
async function treeObjects(deps: ToolCheckDeps, ctx: VerifyContext): Promise<ClusterObject[]> {
  const namespace = ctx.answers.app.namespace;
  const objects: ClusterObject[] = [];
  for (const file of [...kustomizationFiles(ctx), ...(ctx.files.has(HARDENED_MANIFEST) ? [HARDENED_MANIFEST] : [])]) {
    objects.push(...objectsOf(file, parseYamlDocuments(ctx.files.get(file) ?? "", file), namespace));
  }
  if (hasChart(ctx)) {
    for (const values of VALUES_MATRIX) {
      const chart = await renderChart(deps, ctx, CLUSTER_CHECK, "helm3", values);
      if (chart.failure) throw new Error(`the chart does not render with ${values.label}: ${chart.failure.message}`);
      for (const rendered of chart.files) {
        const template = chart.toChart(rendered);
        objects.push(...objectsOf(template, parseYamlDocuments(await readFile(rendered, "utf8"), template), namespace, values.label));
      }
    }
  }
  return objects;
}

/** The same object from several values cases is sent once; its findings name every case. */
function distinct(objects: readonly ClusterObject[]): { object: ClusterObject; values: string[] }[] {
  const seen = new Map<string, { object: ClusterObject; values: string[] }>();
  for (const object of objects) {
    const key = JSON.stringify([object.file, object.object]);
    const entry = seen.get(key);
    if (entry) {
      if (object.values) entry.values.push(object.values);
    } else seen.set(key, { object, values: object.values ? [object.values] : [] });
  }
  return [...seen.values()];
}

/** The generated Namespace object, for --create-namespace (labels included: Pod Security reads them). */
function generatedNamespace(ctx: VerifyContext): Record<string, unknown> {
  const docs = parseYamlDocuments(ctx.files.get(NAMESPACE_FILE) ?? ctx.files.get(HARDENED_MANIFEST) ?? "", NAMESPACE_FILE);
  const found = docs.find((d): d is Record<string, unknown> => isObj(d) && d.kind === "Namespace" && nameOf(d) === ctx.answers.app.namespace);
  return found ?? { apiVersion: "v1", kind: "Namespace", metadata: { name: ctx.answers.app.namespace } };
}

function podSecurityLabels(labels: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => POD_SECURITY_LABEL.test(key)).map(([key, value]) => [key, String(value)]));
}

async function kubectl(deps: ToolCheckDeps, ctx: VerifyContext, args: string[], input?: string) {
  return run(deps, ctx, "kubectl", args, { ...(input === undefined ? {} : { input }), timeoutMs: 120_000 });
}

/**
 * The namespace the dry runs need, and the ServiceAccounts the pods run as: namespaced objects are refused
 * in a namespace that does not exist, and the ServiceAccount admission plugin refuses a Pod whose account
 * does not exist (before Pod Security gets to judge it). With --create-namespace, verify creates both in a
 * namespace of its own, named after the app's with a random suffix and labelled as the generated one, and
 * deletes it afterwards (a fixed name would collide with the previous run's namespace while the cluster is
 * still deleting it). Returns where to send the objects, and a warning when the cluster's namespace judges
 * pods by other Pod Security labels than the generated one.
 */
async function prepareNamespace(
  deps: ToolCheckDeps,
  ctx: VerifyContext,
  target: ClusterTarget,
  create: boolean,
  serviceAccounts: readonly Record<string, unknown>[],
): Promise<{ namespace: string; created: boolean; findings: Finding[] }> {
  const namespace = ctx.answers.app.namespace;
  const got = await kubectl(deps, ctx, getNamespaceArgs(target, namespace));
  if (got.exitCode !== 0) throw crashed("kubectl get namespace", got);
  const state = parseNamespace(got.stdout);
  const wanted = generatedNamespace(ctx);
  // A namespace on its way out takes no new objects: with --create-namespace, verify uses one of its own.
  if (state === undefined || (state.terminating && create)) {
    if (!create) {
      throw new Error(
        `namespace ${namespace} does not exist in the cluster, and a dry run of namespaced objects needs it: create it (kubectl apply -f ${NAMESPACE_FILE} -f deploy/kubernetes/serviceaccount.yaml), or pass --create-namespace to let verify create one for the run and delete it afterwards`,
      );
    }
    const scratch = scratchNamespaceName(namespace, randomBytes(3).toString("hex"));
    const items = [renamed(wanted, scratch), ...serviceAccounts.map((account) => inNamespace(account, scratch))];
    const made = await kubectl(deps, ctx, createArgs(target), JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    if (made.exitCode !== 0) throw crashed("kubectl create (namespace and service accounts)", made);
    return { namespace: scratch, created: true, findings: [] };
  }
  if (state.terminating) {
    throw new Error(`namespace ${namespace} is being deleted in the cluster: wait until it is gone, or run against another cluster`);
  }
  const labels = state.labels;
  for (const account of serviceAccounts) {
    const name = nameOf(account);
    const found = await kubectl(deps, ctx, getServiceAccountArgs(target, namespace, name));
    if (found.exitCode !== 0) throw crashed("kubectl get serviceaccount", found);
    if (found.stdout.trim() === "") {
      throw new Error(
        `ServiceAccount ${name} does not exist in namespace ${namespace}, and the API server refuses pods that run as a missing account before Pod Security can judge them: apply deploy/kubernetes/serviceaccount.yaml first, or run against a namespace verify may create (--create-namespace)`,
      );
    }
  }
  const expected = podSecurityLabels(isObj(wanted.metadata) && isObj(wanted.metadata.labels) ? wanted.metadata.labels : {});
  const actual = podSecurityLabels(labels);
  if (JSON.stringify(Object.entries(expected).sort()) === JSON.stringify(Object.entries(actual).sort())) return { namespace, created: false, findings: [] };
  return {
    namespace,
    created: false,
    findings: [
      {
        checkId: CLUSTER_CHECK,
        file: NAMESPACE_FILE,
        severity: "warning",
        rule: "namespace-labels",
        message: `namespace ${namespace} in the cluster has Pod Security labels ${JSON.stringify(actual)}, the generated namespace sets ${JSON.stringify(expected)}: the dry runs were admitted under the cluster's labels`,
        fix: `kubectl apply -f ${NAMESPACE_FILE}`,
      },
    ],
  };
}

/** `acme-verify-1a2b3c`: within the 63 characters of a namespace name. */
export function scratchNamespaceName(namespace: string, suffix: string): string {
  return `${namespace.slice(0, 63 - "-verify-".length - suffix.length).replace(/-+$/, "")}-verify-${suffix}`;
}

function renamed(namespaceObject: Record<string, unknown>, name: string): Record<string, unknown> {
  const metadata = isObj(namespaceObject.metadata) ? namespaceObject.metadata : {};
  const labels = isObj(metadata.labels) ? { ...metadata.labels, "kubernetes.io/metadata.name": name } : undefined;
  return { ...namespaceObject, metadata: { ...metadata, name, ...(labels ? { labels } : {}) } };
}

/** The object in another namespace (the scratch one); objects of other namespaces and cluster-scoped ones stay. */
function inNamespace(doc: Record<string, unknown>, namespace: string): Record<string, unknown> {
  return isObj(doc.metadata) ? { ...doc, metadata: { ...doc.metadata, namespace } } : doc;
}

/** The distinct ServiceAccounts of the tree in the app namespace (the chart's and the manifests' may differ). */
function serviceAccountsOf(objects: readonly { object: ClusterObject }[], namespace: string): Record<string, unknown>[] {
  const byName = new Map<string, Record<string, unknown>>();
  for (const { object } of objects) {
    const doc = object.object;
    if (doc.kind !== "ServiceAccount" || !isObj(doc.metadata) || doc.metadata.namespace !== namespace) continue;
    byName.set(nameOf(doc), { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: nameOf(doc), namespace } });
  }
  return [...byName.values()];
}

/** Dry-runs one object; the server's refusals and warnings become findings on its file. */
async function dryRun(deps: ToolCheckDeps, ctx: VerifyContext, target: ClusterTarget, entry: { object: ClusterObject; values: string[] }): Promise<Finding[]> {
  const { object, values } = entry;
  const result = await kubectl(deps, ctx, dryRunApplyArgs(target), JSON.stringify(object.object));
  const outcome = parseDryRun(result.stderr);
  if (result.exitCode !== 0 && outcome.errors.length === 0) throw crashed("kubectl apply --dry-run=server", result);
  // Custom resources whose definitions the cluster lacks (ServiceMonitor, HTTPRoute): not ours to judge.
  if (outcome.errors.length > 0 && outcome.errors.every(isKindNotServed)) return [];
  const where = values.length > 0 ? ` [rendered with ${values.join("; ")}]` : "";
  const finding = (message: string, rule: string): Finding => ({
    checkId: CLUSTER_CHECK,
    file: object.file,
    rule,
    severity: "error",
    message: `${object.subject}: ${message}${where}`,
  });
  return [...outcome.errors.filter((e) => !isKindNotServed(e)).map((e) => finding(e, "refused")), ...outcome.warnings.map((w) => finding(w, "warning"))];
}

export function createClusterCheck(deps: ToolCheckDeps): Check {
  return {
    id: CLUSTER_CHECK,
    title: "Server-side dry run on a real API server (--cluster): validation and admission, Pod Security included",
    tools: ["kubectl", "helm3"],
    cost: 6,
    applies: (ctx) => ctx.cluster !== undefined,
    async run(ctx) {
      const cluster = ctx.cluster;
      if (!cluster) return [];
      const objects = distinct(await treeObjects(deps, ctx));
      const app = ctx.answers.app.namespace;
      const accounts = serviceAccountsOf(objects, app);
      const { namespace, created, findings } = await prepareNamespace(deps, ctx, cluster.target, cluster.createNamespace, accounts);
      // In verify's own namespace, the app's Namespace object is judged as an update of it, the rest placed in it.
      const moved = (entry: (typeof objects)[number]) => {
        const doc = entry.object.object;
        const metadata = isObj(doc.metadata) ? doc.metadata : {};
        if (namespace === app) return entry;
        if (doc.kind === "Namespace" && metadata.name === app) return { ...entry, object: { ...entry.object, object: renamed(doc, namespace) } };
        if (metadata.namespace !== app) return entry;
        return { ...entry, object: { ...entry.object, object: inNamespace(doc, namespace) } };
      };
      try {
        // The Namespace objects first; the rest is judged under the namespace's labels.
        const namespaces = objects.filter((o) => o.object.object.kind === "Namespace").map(moved);
        const rest = objects.filter((o) => o.object.object.kind !== "Namespace").map(moved);
        for (const entry of namespaces) findings.push(...(await dryRun(deps, ctx, cluster.target, entry)));
        for (const found of await mapConcurrent(rest, 4, (entry) => dryRun(deps, ctx, cluster.target, entry))) findings.push(...found);
      } finally {
        if (created) await kubectl(deps, ctx, deleteNamespaceArgs(cluster.target, namespace));
      }
      return findings;
    },
  };
}

export const clusterCheck: Check = createClusterCheck({ exec: realExec });
