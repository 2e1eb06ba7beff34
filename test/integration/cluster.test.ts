/**
 * verify --cluster against a real control plane (etcd + kube-apiserver v1.37.2, built by
 * scripts/install-kube.sh, started on free ports here): clean trees pass, and broken trees that every static
 * check lets through are refused by the API server. Locally it is skipped with a note when the binaries are
 * missing; with CI=true their absence fails it.
 */
import { spawnSync } from "node:child_process";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlPlaneProblems, startControlPlane, type ControlPlane } from "../cluster/control-plane.js";
import { maximalAnswers, repoRoot, runCli, tempDir, toolsRequired } from "../helpers.js";

const problems = controlPlaneProblems();
if (problems.length > 0 && !toolsRequired) console.warn(`cluster: ${problems.join("; ")}; the verify --cluster tests are skipped`);

const appFixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");

interface Report {
  checks: { id: string; status: string; reason?: string; findings: { file?: string; message: string; rule?: string; severity: string }[] }[];
}

async function generatedTree(sets: string[] = []): Promise<string> {
  const dir = await tempDir("fd-cluster-");
  await cp(appFixture, dir, { recursive: true });
  const init = runCli(["init", "--yes", ...sets.flatMap((s) => ["--set", s]), dir]);
  expect(init.code, init.stderr).toBe(0);
  return dir;
}

function verify(dir: string, plane: ControlPlane, extra: string[] = []): { code: number | null; report: Report; stderr: string } {
  const result = runCli(["verify", "--format", "json", "--require-tools", "--kubeconfig", plane.kubeconfig, ...extra, dir]);
  return { code: result.code, report: JSON.parse(result.stdout || '{"checks":[]}') as Report, stderr: result.stderr };
}

const clusterResult = (report: Report) => report.checks.find((c) => c.id === "cluster-dry-run");

const mutate = async (dir: string, file: string, from: string | RegExp, to: string): Promise<void> => {
  const text = await readFile(path.join(dir, file), "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`mutation did not apply to ${file}: ${String(from)}`);
  await writeFile(path.join(dir, file), next);
};

describe.runIf(problems.length === 0 || toolsRequired)("verify --cluster against a real API server", () => {
  let plane: ControlPlane;
  beforeAll(async () => {
    plane = await startControlPlane();
  }, 180_000);
  afterAll(async () => {
    await plane?.stop();
  });

  const clean: [string, string[]][] = [
    ["the default tree", []],
    ["the maximal tree", Object.entries(maximalAnswers).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)],
    ["the standard profile, Kubernetes 1.37", ["profile=standard", "kubernetes.version=1.37"]],
  ];
  it.each(clean)("%s: the API server admits every object (dry run, nothing stored)", async (_name, sets) => {
    const dir = await generatedTree(sets);
    const { code, report, stderr } = verify(dir, plane, ["--only", "cluster-dry-run", "--create-namespace"]);
    const result = clusterResult(report);
    expect(result, stderr).toBeDefined();
    expect(result?.findings, JSON.stringify(result, null, 2)).toEqual([]);
    expect(result?.status, result?.reason).toBe("passed");
    expect(code).toBe(0);
    // Nothing was stored: no workload anywhere, and the namespace verify created is on its way out.
    const kubectl = (...args: string[]) => spawnSync(plane.kubectl, ["--kubeconfig", plane.kubeconfig, ...args], { encoding: "utf8" });
    const stored = kubectl("get", "deployments,services,configmaps,pods,poddisruptionbudgets,networkpolicies", "--all-namespaces", "-o", "custom-columns=NS:.metadata.namespace,NAME:.metadata.name", "--no-headers");
    expect(stored.stdout.split("\n").filter((l) => l !== "" && !/^(default|kube-system)\s/.test(l) && !l.includes("kube-root-ca.crt"))).toEqual([]);
    const namespace = JSON.parse(kubectl("get", "namespaces", "-o", "json").stdout) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] };
    const ours = namespace.items.filter((n) => !["default", "kube-system", "kube-public", "kube-node-lease"].includes(n.metadata.name));
    expect(ours.every((n) => n.metadata.deletionTimestamp !== undefined), JSON.stringify(ours)).toBe(true);
  }, 300_000);

  interface Broken {
    name: string;
    file: string;
    from: string | RegExp;
    to: string;
    /** What the API server says (part of the finding's message). */
    expect: RegExp;
  }
  // Each passes every static check (built in, kubeconform -strict, kube-score, trivy, ...): only the server's
  // own validation or admission refuses it. (A selector that does not match its template is caught statically
  // already, by `consistency` and kube-score; a probe naming a port the container lacks is accepted by the API
  // server too, whose validation checks only the name's format: the kubelet finds out when the probe runs.)
  const broken: Broken[] = [
    {
      name: "a container whose cpu request exceeds its limit",
      file: "deploy/kubernetes/deployment.yaml",
      from: 'cpu: "250m"',
      to: 'cpu: "4"',
      expect: /resources\.requests: Invalid value: "4": must be less than or equal to cpu limit of 1/,
    },
    {
      name: "a pod the namespace's Pod Security level rejects (AppArmor unconfined)",
      file: "deploy/kubernetes/deployment.yaml",
      from: /(\n(\s+)allowPrivilegeEscalation: false)/,
      to: "$1\n$2appArmorProfile:\n$2  type: Unconfined",
      expect: /violates PodSecurity "restricted:v1\.35": forbidden AppArmor profile/,
    },
    {
      name: "a PodDisruptionBudget with both minAvailable and maxUnavailable",
      file: "deploy/kubernetes/pdb.yaml",
      from: /^ {2}maxUnavailable: 1$/m,
      to: "  maxUnavailable: 1\n  minAvailable: 1",
      expect: /PodDisruptionBudget .* is invalid: .*minAvailable and maxUnavailable cannot be both set/,
    },
    {
      name: "an environment variable with both value and valueFrom, in the hardened manifest",
      file: "deploy/kubernetes/fraiseql-hardened.yaml",
      from: /(- name: FRAISEQL_BIND_ADDR\n(\s+)value: "0\.0\.0\.0:8815")/,
      to: "$1\n$2valueFrom:\n$2  configMapKeyRef: {name: elsewhere, key: bind}",
      expect: /env\[\d+\]\.valueFrom: Invalid value: "": may not be specified when `value` is not empty/,
    },
    {
      name: "a nodePort on a ClusterIP Service, in the chart",
      file: "deploy/kubernetes/helm/fraiseql/templates/service.yaml",
      from: "      targetPort: http\n",
      to: "      targetPort: http\n      nodePort: 30080\n",
      expect: /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP' \[rendered with /,
    },
  ];

  it.each(broken.map((b) => [b.name, b] as const))("%s: caught only with --cluster", async (_name, b) => {
    const dir = await generatedTree();
    await mutate(dir, b.file, b.from, b.to);
    // Every static check (built in and tool-backed) lets it through...
    const without = runCli(["verify", "--format", "json", "--require-tools", "--skip", "trivy-image,checkov", dir]);
    const staticReport = JSON.parse(without.stdout || '{"checks":[]}') as Report;
    const staticFindings = staticReport.checks.flatMap((c) => c.findings.map((f) => `${c.id}: ${f.file ?? ""}: ${f.message}`));
    expect(staticFindings, "static checks").toEqual([]);
    expect(without.code).toBe(0);
    // ...and the API server refuses it, naming the file.
    const { code, report } = verify(dir, plane, ["--only", "cluster-dry-run", "--create-namespace"]);
    const findings = clusterResult(report)?.findings ?? [];
    expect(findings.some((f) => f.file === b.file && b.expect.test(f.message)), JSON.stringify(findings, null, 2)).toBe(true);
    expect(code).toBe(1);
  }, 600_000);

  it("stops with exit 2, naming the namespace, when it does not exist and may not be created", async () => {
    const dir = await generatedTree(["app.namespace=nowhere"]);
    const { code, report } = verify(dir, plane, ["--only", "cluster-dry-run"]);
    expect(code).toBe(2);
    expect(clusterResult(report)?.reason).toMatch(/namespace nowhere does not exist in the cluster.*--create-namespace/);
  }, 300_000);
});
