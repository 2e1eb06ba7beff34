/**
 * Pod Security Standards "restricted" (and the baseline controls it
 * includes), as the admission plugin checks them. Applies to every object
 * that carries a pod spec: Pods, Deployments, StatefulSets, DaemonSets, Jobs,
 * CronJobs, and Helm test pods.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

const allowedVolumeTypes = new Set(["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral", "image"]);

export interface PodSecurityViolation {
  object: string;
  control: string;
  message: string;
}

/** Returns the pod spec of a workload object, or undefined. */
export function podSpecOf(doc: Obj): Obj | undefined {
  const kind = doc.kind;
  const spec = isObj(doc.spec) ? doc.spec : undefined;
  if (!spec) return undefined;
  if (kind === "Pod") return spec;
  if (kind === "CronJob") {
    const jobTemplate = isObj(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jobSpec = jobTemplate && isObj(jobTemplate.spec) ? jobTemplate.spec : undefined;
    const template = jobSpec && isObj(jobSpec.template) ? jobSpec.template : undefined;
    return template && isObj(template.spec) ? template.spec : undefined;
  }
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"].includes(String(kind))) {
    const template = isObj(spec.template) ? spec.template : undefined;
    return template && isObj(template.spec) ? template.spec : undefined;
  }
  return undefined;
}

export function checkPodSecurityRestricted(doc: unknown): PodSecurityViolation[] {
  if (!isObj(doc)) return [];
  const pod = podSpecOf(doc);
  if (!pod) return [];
  const metadata = isObj(doc.metadata) ? doc.metadata : {};
  const object = `${typeof doc.kind === "string" ? doc.kind : "?"}/${typeof metadata.name === "string" ? metadata.name : "(unnamed)"}`;
  const out: PodSecurityViolation[] = [];
  const add = (control: string, message: string): void => {
    out.push({ object, control, message });
  };
  const podSc = isObj(pod.securityContext) ? pod.securityContext : {};

  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[field] === true) add("host-namespaces", `spec.${field} must be false`);
  for (const volume of arr(pod.volumes)) {
    const type = Object.keys(volume).find((k) => k !== "name");
    if (type && !allowedVolumeTypes.has(type)) add("volume-types", `volume ${String(volume.name)} uses ${type}, not allowed by restricted`);
  }
  if (isObj(podSc.seccompProfile) && podSc.seccompProfile.type === "Unconfined") add("seccomp", "pod seccompProfile must not be Unconfined");
  for (const sysctl of arr(podSc.sysctls)) add("sysctls", `sysctl ${String(sysctl.name)} is not in the safe set`);
  if (podSc.runAsUser === 0) add("run-as-user", "pod runAsUser must not be 0");

  const containers = [...arr(pod.containers), ...arr(pod.initContainers), ...arr(pod.ephemeralContainers)];
  for (const c of containers) {
    const name = `container ${String(c.name)}`;
    const sc = isObj(c.securityContext) ? c.securityContext : {};
    if (sc.privileged === true) add("privileged", `${name}: privileged must be false`);
    if (sc.allowPrivilegeEscalation !== false) add("allow-privilege-escalation", `${name}: securityContext.allowPrivilegeEscalation must be false`);
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (runAsNonRoot !== true) add("run-as-non-root", `${name}: runAsNonRoot must be true (pod or container level)`);
    if (sc.runAsUser === 0) add("run-as-user", `${name}: runAsUser must not be 0`);
    const seccomp = (isObj(sc.seccompProfile) ? sc.seccompProfile.type : undefined) ?? (isObj(podSc.seccompProfile) ? podSc.seccompProfile.type : undefined);
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") add("seccomp", `${name}: seccompProfile.type must be RuntimeDefault or Localhost`);
    const caps = isObj(sc.capabilities) ? sc.capabilities : {};
    const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
    if (!drop.includes("ALL")) add("capabilities", `${name}: capabilities.drop must include ALL`);
    const addCaps = Array.isArray(caps.add) ? caps.add.map(String) : [];
    for (const cap of addCaps) if (cap !== "NET_BIND_SERVICE") add("capabilities", `${name}: capability ${cap} may not be added`);
    for (const port of arr(c.ports)) if (port.hostPort !== undefined && port.hostPort !== 0) add("host-ports", `${name}: hostPort must not be set`);
    if (sc.procMount !== undefined && sc.procMount !== "Default") add("proc-mount", `${name}: procMount must be Default`);
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
      const p = isObj(c[probe]) ? (c[probe]) : undefined;
      for (const handler of ["httpGet", "tcpSocket"]) {
        if (p && isObj(p[handler]) && (p[handler]).host !== undefined) add("probe-host", `${name}: ${probe}.${handler}.host must not be set`);
      }
    }
  }
  return out;
}
