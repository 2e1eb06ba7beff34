/**
 * A built-in Kubernetes check that needs no external tool: the API version
 * must be served by the target Kubernetes version, and the object must match
 * the strict schema of its kind for that version (types, required fields,
 * enums, no unknown fields), the same schemas kubeconform -strict uses in `verify`.
 */
import { hasSchema, validateAgainstSchema } from "./schema.js";

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

/**
 * Problems with one object ([] when valid). A kind without a vendored schema is a problem by default: in
 * init's output it means the table lacks a kind we generate. `verify` passes unknownKinds "ignore" for what a
 * user added to the manifests, which kubeconform -strict checks in the same run.
 */
export function validateKubernetesObject(doc: unknown, kubernetesVersion: string, options: { unknownKinds?: "error" | "ignore" } = {}): string[] {
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
  if (!hasSchema(id, kubernetesVersion)) {
    return options.unknownKinds === "ignore" ? [] : [`${label}: ${id} is not a kind fraiseql-deploy knows; kubeconform in \`verify\` checks it`];
  }
  return validateAgainstSchema(doc, id, kubernetesVersion).map((problem) => `${label}: ${problem}`);
}
