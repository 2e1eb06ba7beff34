/**
 * The cluster-dry-run check's flow with a fake kubectl (and the helm stand-in for the chart): what it asks,
 * what it sends, what it creates and deletes, and how the server's answers become findings. The real API
 * server is in test/integration/cluster.test.ts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_CHECK, createClusterCheck } from "../../src/checks/cluster.js";
import type { ToolInfo, VerifyContext } from "../../src/checks/types.js";
import { exec as realExec, type Exec } from "../../src/tools/exec.js";
import { tempDir } from "../helpers.js";
import { answersWith } from "../helpers.js";
import { standInBin } from "../stand-ins/outputs.js";

const files: Record<string, string> = {
  "deploy/kubernetes/kustomization.yaml": "resources:\n  - namespace.yaml\n  - serviceaccount.yaml\n  - deployment.yaml\n",
  "deploy/kubernetes/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: acme\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n",
  "deploy/kubernetes/serviceaccount.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: acme-api\n  namespace: acme\n",
  "deploy/kubernetes/deployment.yaml": [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: acme-api",
    "  namespace: acme",
    "spec:",
    "  selector: { matchLabels: { app: a } }",
    "  template:",
    "    metadata: { labels: { app: a } }",
    "    spec: { serviceAccountName: acme-api, containers: [{ name: api, image: x }] }",
    "",
  ].join("\n"),
};

interface Call {
  args: readonly string[];
  input?: string;
}

/** A fake kubectl: `get namespace` answers `namespace`, dry runs answer `refuse` for the kinds it names. */
function fakeKubectl(state: { namespace?: object; serviceAccount?: boolean; refuse?: Record<string, string> }): { exec: Exec; calls: Call[] } {
  const calls: Call[] = [];
  const exec: Exec = async (file, args, options = {}) => {
    if (!file.endsWith("kubectl")) return realExec(file, args, options);
    calls.push({ args, ...(options.input === undefined ? {} : { input: options.input }) });
    const ok = (stdout = "") => ({ exitCode: 0, stdout, stderr: "" });
    if (args.includes("get") && args.includes("namespace")) return ok(state.namespace ? JSON.stringify(state.namespace) : "");
    if (args.includes("get") && args.includes("serviceaccount")) return ok(state.serviceAccount ? "serviceaccount/acme-api\n" : "");
    if (args.includes("--dry-run=server")) {
      const kind = (JSON.parse(options.input ?? "{}") as { kind?: string }).kind ?? "";
      const refusal = state.refuse?.[kind];
      return refusal ? { exitCode: 1, stdout: "", stderr: `${refusal}\n` } : ok(`${kind.toLowerCase()}/x serverside-applied (server dry run)\n`);
    }
    return ok();
  };
  return { exec, calls };
}

async function context(create: boolean): Promise<VerifyContext> {
  const root = await tempDir("fd-cluster-check-");
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  const tools = new Map<string, ToolInfo>([
    ["kubectl", { name: "kubectl", path: "/fake/kubectl" }],
    ["helm3", { name: "helm3", path: path.join(standInBin, "helm3") }],
  ]);
  return {
    root,
    answers: answersWith({ "app.name": "acme-api", "app.namespace": "acme" }),
    files: new Map(Object.entries(files)),
    tools,
    scratch: path.join(root, ".scratch"),
    cluster: { target: { kubeconfig: "/k" }, createNamespace: create },
  };
}

describe("cluster-dry-run", () => {
  it("applies only with --cluster", async () => {
    const check = createClusterCheck({ exec: realExec });
    expect(check.id).toBe(CLUSTER_CHECK);
    const ctx = await context(false);
    expect(check.applies?.({ ...ctx, cluster: undefined })).toBe(false);
    expect(check.applies?.(ctx)).toBe(true);
  });

  it("sends every object and each pod template as a Pod, server-side dry run only, and turns refusals into findings", async () => {
    const { exec, calls } = fakeKubectl({
      namespace: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } }, status: { phase: "Active" } },
      serviceAccount: true,
      refuse: { Pod: 'Error from server (Forbidden): error when creating "STDIN": pods "acme-api-template" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true' },
    });
    const findings = await createClusterCheck({ exec }).run(await context(false));
    expect(findings).toEqual([
      {
        checkId: CLUSTER_CHECK,
        file: "deploy/kubernetes/deployment.yaml",
        rule: "refused",
        severity: "error",
        message: 'Pod from Deployment acme-api\'s template: pods "acme-api-template" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
      },
    ]);
    const sent = calls.filter((c) => c.args.includes("apply")).map((c) => (JSON.parse(c.input ?? "{}") as { kind: string }).kind);
    expect(sent.sort()).toEqual(["Deployment", "Namespace", "Pod", "ServiceAccount"]);
    // Every call that could change the cluster is a dry run; nothing was created or deleted.
    expect(calls.every((c) => !c.args.includes("apply") || c.args.includes("--dry-run=server"))).toBe(true);
    expect(calls.some((c) => c.args.includes("create") || c.args.includes("delete"))).toBe(false);
    expect(calls.every((c) => c.args[0] === "--kubeconfig" && c.args[1] === "/k")).toBe(true);
  });

  it("stops, naming the namespace, when it is missing and may not be created", async () => {
    const { exec } = fakeKubectl({});
    await expect(createClusterCheck({ exec }).run(await context(false))).rejects.toThrow(/namespace acme does not exist in the cluster.*--create-namespace/);
  });

  it("stops when a ServiceAccount the pods run as is missing (admission would refuse them before Pod Security looks)", async () => {
    const { exec } = fakeKubectl({ namespace: { metadata: {}, status: { phase: "Active" } }, serviceAccount: false });
    await expect(createClusterCheck({ exec }).run(await context(false))).rejects.toThrow(/ServiceAccount acme-api does not exist in namespace acme/);
  });

  it("with --create-namespace: creates its own labelled namespace and the ServiceAccounts, sends everything there, deletes it after", async () => {
    const { exec, calls } = fakeKubectl({});
    expect(await createClusterCheck({ exec }).run(await context(true))).toEqual([]);
    const created = calls.find((c) => c.args.includes("create"));
    const list = JSON.parse(created?.input ?? "{}") as { items: { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } }[] };
    const scratch = list.items[0]?.metadata.name ?? "";
    expect(scratch).toMatch(/^acme-verify-[0-9a-f]{6}$/);
    expect(list.items.map((i) => i.kind)).toEqual(["Namespace", "ServiceAccount"]);
    expect(list.items[0]?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(list.items[1]?.metadata.namespace).toBe(scratch);
    const namespaces = calls.filter((c) => c.args.includes("apply")).map((c) => (JSON.parse(c.input ?? "{}") as { metadata: { namespace?: string; name: string } }).metadata);
    expect(namespaces.every((m) => m.namespace === scratch || m.name === scratch)).toBe(true);
    expect(calls.at(-1)?.args).toEqual(["--kubeconfig", "/k", "delete", "namespace", scratch, "--wait=false", "--ignore-not-found"]);
  });

  it("leaves out custom resources the cluster does not serve", async () => {
    const { exec } = fakeKubectl({
      namespace: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
      serviceAccount: true,
      refuse: { Deployment: 'error: resource mapping not found for name: "x" namespace: "acme" from "STDIN": no matches for kind "Deployment" in version "apps/v1"' },
    });
    expect(await createClusterCheck({ exec }).run(await context(false))).toEqual([]);
  });
});
