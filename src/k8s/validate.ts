/**
 * A built-in Kubernetes check that needs no external tool: the API version
 * must be served by the target Kubernetes version, and the object must match
 * the schema of its kind (types, required fields, enums). kubeconform -strict
 * in `verify` adds the unknown-field check on top.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface ApiWindow {
  /** First minor that serves it (inclusive). */
  since?: number;
  /** First minor that no longer serves it. */
  removedIn?: number;
}

/** apiVersion/kind -> serving window, for the kinds fraiseql-deploy generates and their removed predecessors. */
const apiWindows: Record<string, ApiWindow> = {
  "policy/v1beta1/PodSecurityPolicy": { removedIn: 25 },
  "policy/v1beta1/PodDisruptionBudget": { removedIn: 25 },
  "policy/v1/PodDisruptionBudget": { since: 21 },
  "autoscaling/v2beta2/HorizontalPodAutoscaler": { removedIn: 26 },
  "autoscaling/v2beta1/HorizontalPodAutoscaler": { removedIn: 25 },
  "autoscaling/v2/HorizontalPodAutoscaler": { since: 23 },
  "networking.k8s.io/v1beta1/Ingress": { removedIn: 22 },
  "extensions/v1beta1/Ingress": { removedIn: 22 },
  "extensions/v1beta1/NetworkPolicy": { removedIn: 16 },
  "extensions/v1beta1/Deployment": { removedIn: 16 },
  "apps/v1beta1/Deployment": { removedIn: 16 },
  "apps/v1beta2/Deployment": { removedIn: 16 },
  "batch/v1beta1/CronJob": { removedIn: 25 },
};

/** Custom resources we may emit; their schemas live with their operators. */
const customResources = new Set(["monitoring.coreos.com/v1/ServiceMonitor", "cert-manager.io/v1/Certificate"]);

type Model = new (data: unknown) => { validate(): void };

function loadModel(apiVersion: string, kind: string): Model | undefined {
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const mod = require(modulePath) as Record<string, unknown>;
    return (mod[kind] ?? mod.default) as Model | undefined;
  } catch {
    return undefined;
  }
}

export function validateKubernetesObject(doc: unknown, kubernetesVersion: string): string[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return ["is not a Kubernetes object (expected a mapping)"];
  const { apiVersion, kind, metadata } = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["has no apiVersion/kind"];
  const id = `${apiVersion}/${kind}`;
  const label = `${kind} ${typeof metadata?.name === "string" ? metadata.name : "(unnamed)"}`;
  const minor = Number(kubernetesVersion.split(".")[1]);
  const window = apiWindows[id];
  if (window?.removedIn !== undefined && minor >= window.removedIn) {
    return [`${label}: ${apiVersion} ${kind} was removed in Kubernetes 1.${window.removedIn} (target ${kubernetesVersion})`];
  }
  if (window?.since !== undefined && minor < window.since) {
    return [`${label}: ${apiVersion} ${kind} is served only from Kubernetes 1.${window.since} (target ${kubernetesVersion})`];
  }
  if (customResources.has(id)) return [];
  const model = loadModel(apiVersion, kind);
  if (!model) return [`${label}: unknown apiVersion/kind ${id}`];
  try {
    new model(doc).validate();
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`${label}: ${message.split("\n").slice(0, 3).join("; ")}`];
  }
}
