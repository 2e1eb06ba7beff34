/**
 * The Kubernetes version of the cluster in the current kube context, offered as the kubernetes.version
 * default by the wizard (and by `init --detect-cluster`). Read-only (`kubectl version`, which reads /version),
 * a short timeout, and never required: any failure just leaves the static default.
 */
import { findExecutable } from "../tools/registry.js";
import type { Exec } from "../tools/exec.js";
import { parseServerVersion, serverVersionArgs } from "../tools/kubectl.js";
import { supportedKubernetesVersions } from "./fields.js";

export interface DetectedCluster {
  /** The server's own version, e.g. 1.33.4. */
  serverVersion: string;
  /** The supported target it maps to, e.g. 1.33. */
  target: string;
}

/** 1.33.4 -> 1.33; newer than every supported target -> the newest; older than all -> none (the user must choose). */
export function targetForServer(serverVersion: string): string | undefined {
  const [major, minor] = serverVersion.split(".").map(Number);
  if (major !== 1 || minor === undefined || Number.isNaN(minor)) return undefined;
  const minors = supportedKubernetesVersions.map((v) => Number(v.split(".")[1]));
  const newest = Math.max(...minors);
  if (minor > newest) return `1.${newest}`;
  return minors.includes(minor) ? `1.${minor}` : undefined;
}

export async function detectClusterVersion(exec: Exec, timeoutSeconds = 3): Promise<DetectedCluster | undefined> {
  const kubectl = await findExecutable("kubectl");
  if (!kubectl) return undefined;
  const result = await exec(kubectl, serverVersionArgs({}, timeoutSeconds), { timeoutMs: (timeoutSeconds + 2) * 1000 });
  const serverVersion = parseServerVersion(result.stdout);
  if (!serverVersion) return undefined;
  const target = targetForServer(serverVersion);
  return target ? { serverVersion, target } : undefined;
}
