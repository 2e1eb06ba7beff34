/**
 * A built-in Kubernetes check that needs no external tool: the API version
 * must be served by the target Kubernetes version, and the object must match
 * the schema of its kind (types, required fields, enums). kubeconform -strict
 * in `verify` adds the unknown-field check on top.
 */
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { PodSecurityPolicy } from "kubernetes-models/policy/v1beta1/PodSecurityPolicy";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";

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

type Model = new (data: never) => { validate(): void };

/**
 * Exactly the kinds fraiseql-deploy generates, imported statically so the
 * build bundles their validators into one chunk: resolving kubernetes-models' hundreds of
 * small modules at run time cost `init` about 100 ms.
 */
const models: Record<string, Model> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "v1/ResourceQuota": ResourceQuota,
  "v1/LimitRange": LimitRange,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "policy/v1beta1/PodSecurityPolicy": PodSecurityPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
};

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
  const model = models[id];
  if (!model) return [`${label}: ${id} is not a kind fraiseql-deploy knows; kubeconform in \`verify\` checks it`];
  try {
    new model(doc as never).validate();
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`${label}: ${message.split("\n").slice(0, 3).join("; ")}`];
  }
}
