/**
 * kubectl, for `verify --cluster`: a server-side dry run asks a real API server to default, validate and
 * admit each object (Pod Security included) without storing it. Pure argv builders and parsers; the check
 * (src/checks/cluster.ts) runs them through the exec module.
 */

/** Which cluster: a kubeconfig file and a context in it; both optional (kubectl's own defaults). */
export interface ClusterTarget {
  kubeconfig?: string;
  context?: string;
}

function targetArgs(target: ClusterTarget): string[] {
  return [...(target.kubeconfig ? ["--kubeconfig", target.kubeconfig] : []), ...(target.context ? ["--context", target.context] : [])];
}

/** The field manager our dry runs name: visible in audit logs, never stored (dry run). */
export const FIELD_MANAGER = "fraiseql-deploy-verify";

/**
 * Server-side dry run of the objects on stdin: server-side apply, so an object that already exists is
 * checked as the update it would be; --force-conflicts because fields owned by another manager are not our
 * finding. Nothing is stored.
 */
export function dryRunApplyArgs(target: ClusterTarget): string[] {
  return [...targetArgs(target), "apply", "--dry-run=server", "--server-side", "--force-conflicts", `--field-manager=${FIELD_MANAGER}`, "-o", "name", "-f", "-"];
}

/** `kubectl kustomize <dir>`: the objects `kubectl apply -k` would send. */
export function kustomizeArgs(dir: string): string[] {
  return ["kustomize", dir];
}

export function getNamespaceArgs(target: ClusterTarget, namespace: string): string[] {
  return [...targetArgs(target), "get", "namespace", namespace, "-o", "json", "--ignore-not-found"];
}

export function getServiceAccountArgs(target: ClusterTarget, namespace: string, name: string): string[] {
  return [...targetArgs(target), "get", "serviceaccount", name, "--namespace", namespace, "-o", "name", "--ignore-not-found"];
}

/** Creates the objects on stdin for real (the namespace, with --create-namespace only). */
export function createArgs(target: ClusterTarget): string[] {
  return [...targetArgs(target), "create", `--field-manager=${FIELD_MANAGER}`, "-o", "name", "-f", "-"];
}

export function deleteNamespaceArgs(target: ClusterTarget, namespace: string): string[] {
  return [...targetArgs(target), "delete", "namespace", namespace, "--wait=false", "--ignore-not-found"];
}

export function serverVersionArgs(target: ClusterTarget, timeoutSeconds: number): string[] {
  return [...targetArgs(target), "version", "-o", "json", `--request-timeout=${timeoutSeconds}s`];
}

/** What the API server said about one dry run: refusals and warnings (admission warnings included). */
export interface DryRunOutcome {
  errors: string[];
  warnings: string[];
}

/**
 * kubectl prints the server's refusals as `Error from server (Reason): ...`, `The Kind "name" is invalid: ...`
 * (server-side apply), or `error: ...` for what it refuses itself, and the server's warnings as
 * `Warning: ...`, on stderr.
 */
export function parseDryRun(stderr: string): DryRunOutcome {
  const outcome: DryRunOutcome = { errors: [], warnings: [] };
  let continuing = false;
  for (const line of stderr.split("\n")) {
    const warning = /^Warning: (.*)$/.exec(line);
    // Server-side apply reports an invalid object as `The Deployment "x" is invalid: ...`, without a prefix.
    const error = /^(?:Error from server(?: \([^)]*\))?|error): (.*)$/.exec(line) ?? /^(The \S+ "[^"]*" is invalid: .*)$/.exec(line);
    if (warning?.[1] !== undefined) {
      outcome.warnings.push(warning[1].trim());
      continuing = false;
    } else if (error?.[1] !== undefined) {
      outcome.errors.push(cleanError(error[1].trim()));
      continuing = true;
    } else if (line.trim() !== "" && continuing) {
      // An error continued on the next lines (the server lists field errors one per line).
      const last = outcome.errors.length - 1;
      outcome.errors[last] = `${outcome.errors[last] as string} ${line.trim()}`;
    }
  }
  return outcome;
}

/** `error when creating "STDIN": Deployment.apps "x" is invalid: ...` -> `Deployment.apps "x" is invalid: ...`. */
function cleanError(message: string): string {
  return message.replace(/^error when (?:creating|applying patch|patching|retrieving current configuration of)[^:]*?"STDIN": /, "").replace(/^failed to create typed patch object[^:]*: /, "");
}

/** The kinds a cluster does not serve come back as "no matches for kind": custom resources whose CRDs are not installed. */
export function isKindNotServed(message: string): boolean {
  return /no matches for kind|the server could not find the requested resource|ensure CRDs are installed first/.test(message);
}

/** The server's version (`1.37.2`) from `kubectl version -o json`, or undefined. */
export function parseServerVersion(stdout: string): string | undefined {
  try {
    const data = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
    return /^v?(\d+\.\d+\.\d+)/.exec(data.serverVersion?.gitVersion ?? "")?.[1];
  } catch {
    return undefined;
  }
}

/** A namespace from `kubectl get namespace -o json`: its labels and whether it is being deleted; undefined when it does not exist (empty output). */
export function parseNamespace(stdout: string): { labels: Record<string, string>; terminating: boolean } | undefined {
  if (stdout.trim() === "") return undefined;
  const data = JSON.parse(stdout) as { metadata?: { labels?: Record<string, string>; deletionTimestamp?: string }; status?: { phase?: string } };
  return { labels: data.metadata?.labels ?? {}, terminating: data.metadata?.deletionTimestamp !== undefined || data.status?.phase === "Terminating" };
}
