/**
 * The generated deployment on a real Kubernetes node: the control plane of test/cluster/control-plane.ts plus
 * the node of test/cluster/node.ts (kubelet, containerd, kube-proxy, CoreDNS, scheduler and controller manager
 * v1.37.2, all built by scripts/install-kube.sh), running the published fraiseql-server image built from the
 * generated hardened Dockerfile for the application fixture.
 *
 * 1. `helm install --wait` of the generated chart into the generated namespace (Pod Security "restricted"
 *    enforced by the API server): three replicas Ready by the kubelet's own startup and readiness probes, the
 *    GraphQL query answered through the Service (kube-proxy) with the rows in PostgreSQL 18, itself a pod
 *    reached by its cluster DNS name.
 * 2. The chart's NetworkPolicy, enforced by kube-router: a client pod in a namespace the policy does not list is
 *    refused, the same pod in the app's namespace is served. `helm test`: the chart's busybox pod calls the
 *    Service by name.
 * 3. `helm upgrade` to a new image tag while clients call the Service: the Deployment rolls and no request fails.
 * 4. Deleting a pod with a query in flight: the query is answered before the pod goes (preStop pause, then
 *    the server's graceful shutdown).
 * 5. The plain manifests (`kubectl apply -k`) through an overlay that sets imagePullPolicy for a cluster without
 *    a registry: Ready, and serving.
 *
 * Images are imported from the local Docker engine, never pulled, so `image.pullPolicy` is IfNotPresent here;
 * the generated default (Always) needs a registry.
 *
 * Locally, missing binaries, Docker or root skip the suite with a message; with CI=true that is a failure.
 */
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../src/tools/exec.js";
import { findExecutable } from "../../src/tools/registry.js";
import { controlPlaneProblems, startControlPlane, type ControlPlane } from "../cluster/control-plane.js";
import { nodeProblems, startNode, type KubeNode } from "../cluster/node.js";
import { repoRoot, tempDir, toolsRequired } from "../helpers.js";
import { cli, describeRun, docker, dockerOk, dockerProblems, expectRows, imagePresent, journal, minutes, setupHint, sleep } from "./support.js";

const fixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");
const app = "fraiseql-kube";
const namespace = app;
const imageRepository = "localhost/fraiseql-kube";
const postgresImage = "postgres:18-trixie";
/** The chart's test pod image (scripts/setup-docker.sh builds its stand-in). */
const busyboxImage = "busybox:1.37";
const { note, timed, summary } = journal("kube node");

const problems = [...controlPlaneProblems(), ...nodeProblems(), ...dockerProblems([postgresImage, busyboxImage, "gcr.io/distroless/cc-debian13:nonroot", "docker/dockerfile:1"])];
const ready = problems.length === 0;
if (!ready && !toolsRequired) console.warn(`[kube node] SKIPPED: ${problems.join("; ")}. To run it: scripts/install-kube.sh, and ${setupHint}; as root.`);

let plane: ControlPlane | undefined;
let node: KubeNode | undefined;
let work = "";
let tree = "";
let helm = "";
const itemNames = ["apple", "brioche", "clafoutis"].map((n) => `${n}-kube`);

function kubectl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  if (!plane) throw new Error("no control plane");
  const r = spawnSync(plane.kubectl, ["--kubeconfig", plane.kubeconfig, ...args], { encoding: "utf8", input, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kubectlOk(args: string[], input?: string): string {
  const r = kubectl(args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}\n${diagnostics()}`);
  return r.stdout;
}

/** What a failure message needs: the pods, recent events and the node components' logs. */
function diagnostics(): string {
  if (!plane) return "";
  const pods = kubectl(["get", "pods", "-A", "-o", "wide"]).stdout;
  const events = kubectl(["get", "events", "-A", "--sort-by=.lastTimestamp"]).stdout.split("\n").slice(-30).join("\n");
  const failed = kubectl(["get", "pods", "-A", "--field-selector=status.phase=Failed", "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}"]).stdout;
  const failedLogs = failed
    .split("\n")
    .filter(Boolean)
    .map((ref) => {
      const [ns = "", name = ""] = ref.split("/");
      return `logs of failed pod ${ref}:\n${kubectl(["logs", "-n", ns, name, "--all-containers"]).stdout}`;
    })
    .join("\n");
  return `pods:\n${pods}\nevents:\n${events}\n${failedLogs}\n${node?.logs() ?? ""}`;
}

async function helmRun(args: string[], timeoutMs = minutes(6)) {
  if (!plane) throw new Error("no control plane");
  const r = await exec(helm, [...args, "--kubeconfig", plane.kubeconfig], { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`helm ${args.join(" ")} failed: ${describeRun(r)}\n${diagnostics()}`);
  return r;
}

/** The Service's ClusterIP and port, reached from this host through kube-proxy's rules. */
function serviceBase(): string {
  const spec = JSON.parse(kubectlOk(["get", "service", app, "-n", namespace, "-o", "json"])) as { spec: { clusterIP: string; ports: { port: number }[] } };
  return `http://${spec.spec.clusterIP}:${spec.spec.ports[0]?.port ?? 0}`;
}

/** The query must return exactly the rows this suite inserted. */
const expectItems = (base: string, query?: string, timeoutMs = 10_000): Promise<void> => expectRows(base, itemNames, query, timeoutMs);

/** Pods of the app: name, IP, image, ready, and whether they are terminating. */
function appPods(): { name: string; ip: string; image: string; ready: boolean; terminating: boolean }[] {
  const list = JSON.parse(kubectlOk(["get", "pods", "-n", namespace, "-l", `app.kubernetes.io/instance=${app},app.kubernetes.io/component=api`, "-o", "json"])) as {
    items: { metadata: { name: string; deletionTimestamp?: string }; spec: { containers: { image: string }[] }; status: { podIP?: string; conditions?: { type: string; status: string }[] } }[];
  };
  return list.items.map((p) => ({
    name: p.metadata.name,
    ip: p.status.podIP ?? "",
    image: p.spec.containers[0]?.image ?? "",
    ready: p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    terminating: p.metadata.deletionTimestamp !== undefined,
  }));
}

/**
 * Runs busybox `wget -T 5 url` as a pod in ns (with a "restricted" securityContext, so any namespace admits it)
 * and returns how it ended and what it printed.
 */
async function clientPod(ns: string, url: string): Promise<{ phase: string; logs: string }> {
  const name = `client-${Math.random().toString(36).slice(2, 8)}`;
  kubectlOk(
    ["apply", "-n", ns, "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "wget",
            image: busyboxImage,
            imagePullPolicy: "Never",
            command: ["wget", "-q", "-T", "5", "-O", "/dev/null", url],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    }),
  );
  for (let i = 0; i < 90; i++) {
    const phase = kubectlOk(["get", "pod", name, "-n", ns, "-o", "jsonpath={.status.phase}"]).trim();
    if (phase === "Succeeded" || phase === "Failed") {
      const logs = kubectl(["logs", "-n", ns, name]);
      return { phase, logs: logs.stdout + logs.stderr };
    }
    await sleep(1_000);
  }
  throw new Error(`client pod ${ns}/${name} did not finish within 90 s\n${diagnostics()}`);
}

/** Calls the query through the Service until stop() and counts answers that are not the rows. */
function clients(base: string, parallel = 2): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  const failed: string[] = [];
  let ok = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        await expectItems(base, "{ items { id name } }", 10_000);
        ok++;
      } catch (e) {
        failed.push(`${new Date().toISOString()} ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      }
      await sleep(50);
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { ok, failed };
    },
  };
}

describe.skipIf(!ready && !toolsRequired)("the generated chart and manifests on a real Kubernetes node (v1.37.2, built from source)", () => {
  beforeAll(async () => {
    if (!ready) throw new Error(`the Kubernetes node suite is required (CI=true) but ${problems.join("; ")}`);
    helm = (await findExecutable("helm3")) ?? (await findExecutable("helm")) ?? "";
    if (!helm) throw new Error("helm is not installed (scripts/install-tools.sh)");
    work = await tempDir("fd-kube-node-");
    tree = path.join(work, "app");
    await cp(fixture, tree, { recursive: true });
    const init = await cli(
      ["init", "--yes", tree, "--set", `app.name=${app}`, "--set", `image.repository=${imageRepository}`, "--set", "image.tag=v1", "--set", "build.platforms=linux/amd64", "--set", "kubernetes.version=1.37"],
      path.join(work, "init.log"),
      120_000,
    );
    expect(init.exitCode, describeRun(init)).toBe(0);
    // The image the manifests deploy (hardened by default), built by the CLI from the generated Dockerfile.
    const build = await timed("build --hardened", () => cli(["build", tree, "--load", "--platforms", "linux/amd64", "--hardened"], path.join(work, "build.log"), minutes(75)));
    expect(build.exitCode, describeRun(build)).toBe(0);
    await dockerOk(["tag", `${imageRepository}:v1-hardened`, `${imageRepository}:v2-hardened`]);

    plane = await timed("control plane", () => startControlPlane({ bindAddress: "0.0.0.0" }));
    node = await timed("node", () => startNode(plane as ControlPlane));
    note(`node ${node.name} (${node.ip}) Ready on ${plane.version}`);
    await timed("image imports", async () => {
      for (const ref of [postgresImage, busyboxImage, `${imageRepository}:v1-hardened`, `${imageRepository}:v2-hardened`]) await node?.importImage(ref);
    });

    // PostgreSQL 18 as a pod with a Service in its own namespace; the app reaches it by its DNS name.
    kubectlOk(["create", "namespace", "db"]);
    kubectlOk(
      ["apply", "-n", "db", "-f", "-"],
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: postgres, labels: {app: postgres}}",
        "spec:",
        "  containers:",
        "    - name: postgres",
        `      image: ${postgresImage}`,
        "      imagePullPolicy: Never",
        "      env: [{name: POSTGRES_USER, value: fraiseql}, {name: POSTGRES_PASSWORD, value: kube-secret}, {name: POSTGRES_DB, value: fraiseql}]",
        "      ports: [{containerPort: 5432}]",
        "      readinessProbe: {exec: {command: [pg_isready, -U, fraiseql, -d, fraiseql, -h, 127.0.0.1]}, periodSeconds: 2}",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: postgres}",
        "spec: {selector: {app: postgres}, ports: [{port: 5432}]}",
        "",
      ].join("\n"),
    );
    kubectlOk(["wait", "-n", "db", "pod/postgres", "--for=condition=Ready", "--timeout=180s"]);
    const schema = await readFile(path.join(fixture, "db", "schema.sql"), "utf8");
    const values = itemNames.map((n) => `('${n}')`).join(", ");
    kubectlOk(["exec", "-i", "-n", "db", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-U", "fraiseql", "-d", "fraiseql"], `${schema}\nINSERT INTO tb_item (name) VALUES ${values};\n`);

    // The generated namespace (Pod Security "restricted", enforced) and the Secrets the chart reads.
    kubectlOk(["apply", "-f", path.join(tree, "deploy", "kubernetes", "namespace.yaml")]);
    kubectlOk(["create", "secret", "generic", `${app}-database`, "-n", namespace, "--from-literal=DATABASE_URL=postgres://fraiseql:kube-secret@postgres.db.svc.cluster.local:5432/fraiseql"]);
    kubectlOk(["create", "secret", "generic", `${app}-metrics`, "-n", namespace, "--from-literal=token=kube-metrics-token"]);
  }, minutes(90));

  afterAll(async () => {
    await node?.stop();
    await plane?.stop();
    // The two tags of this run's image; the build stages stay in BuildKit's cache.
    const images = [`${imageRepository}:v1-hardened`, `${imageRepository}:v2-hardened`].filter((ref) => imagePresent(ref));
    if (images.length > 0) await docker(["image", "rm", ...images]);
    summary();
  }, minutes(5));

  const chart = () => path.join(tree, "deploy", "kubernetes", "helm", "fraiseql");
  // Imported images: IfNotPresent instead of the generated Always, which re-checks a registry this node lacks.
  const offline = ["--set", "image.pullPolicy=IfNotPresent", "--set", "tests.image.pullPolicy=IfNotPresent"];

  it("helm install --wait: three replicas Ready by the kubelet's probes, serving the rows through the Service", async () => {
    await timed("helm install", () => helmRun(["install", app, chart(), "--namespace", namespace, ...offline, "--wait", "--timeout", "5m"]));
    const pods = appPods();
    expect(pods.filter((p) => p.ready).length, JSON.stringify(pods)).toBe(3);
    expect(pods.every((p) => p.image === `${imageRepository}:v1-hardened`)).toBe(true);
    await expectItems(serviceBase());
    // Pod Security "restricted" is enforced on the namespace: a pod without the chart's securityContext is refused.
    const refused = kubectl(["run", "unrestricted", "-n", namespace, `--image=${busyboxImage}`, "--image-pull-policy=Never", "--restart=Never", "--", "true"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
    note("helm install: 3/3 Ready by the kubelet's probes; the query answered through the Service");
  }, minutes(8));

  it("the chart's NetworkPolicy is enforced: a client in another namespace is refused, the same client in an allowed one is served", async () => {
    kubectlOk(["create", "namespace", "outsider"]);
    const url = `http://${app}.${namespace}.svc.cluster.local:${new URL(serviceBase()).port}/readiness`;
    const outsider = await clientPod("outsider", url);
    const insider = await clientPod(namespace, url);
    expect(insider, "a pod in the app's own namespace (allowed by the policy) is served").toMatchObject({ phase: "Succeeded" });
    expect(outsider.phase, `a pod in a namespace the policy does not list is refused: ${outsider.logs}`).toBe("Failed");
    // kube-router rejects (ICMP port unreachable) rather than drops, so the client learns at once.
    expect(outsider.logs).toMatch(/can't connect to remote host .*Connection refused|timed out/);
    note("NetworkPolicy: kube-router refuses a client from another namespace; the same client in the app's namespace is served");
  }, minutes(4));

  it("helm test: the chart's test pod reaches the Service by its DNS name", async () => {
    const r = await timed("helm test", () => helmRun(["test", app, "--namespace", namespace, "--timeout", "3m"]));
    expect(r.stdout).toMatch(/Phase:\s+Succeeded/);
  }, minutes(5));

  it("helm upgrade to a new image tag rolls the pods while clients are served: no failed request", async () => {
    const base = serviceBase();
    const load = clients(base);
    await sleep(2_000);
    await timed("helm upgrade", () => helmRun(["upgrade", app, chart(), "--namespace", namespace, ...offline, "--set", "image.tag=v2", "--wait", "--timeout", "5m"]));
    // Let the last old pods finish their preStop pause while the clients keep calling.
    for (let i = 0; i < 60 && appPods().some((p) => p.terminating); i++) await sleep(1_000);
    const { ok, failed } = await load.stop();
    const pods = appPods();
    expect(pods.map((p) => p.image), JSON.stringify(pods)).toEqual(Array(3).fill(`${imageRepository}:v2-hardened`));
    expect(failed, `${failed.length} of ${ok + failed.length} requests failed during the rollout`).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    note(`helm upgrade: rolled to v2 with ${ok} requests answered, none failed`);
  }, minutes(8));

  it("deleting a pod with a query in flight: the query is answered, the pod goes, the Service keeps serving", async () => {
    const [victim] = appPods().filter((p) => p.ready);
    expect(victim).toBeDefined();
    const port = (JSON.parse(kubectlOk(["get", "service", app, "-n", namespace, "-o", "json"])) as { spec: { ports: { targetPort: number | string }[] } }).spec.ports[0]?.targetPort;
    const containerPort = typeof port === "number" ? port : 8815;
    const load = clients(serviceBase(), 1);
    // The fixture's slowItems view takes 3 s (pg_sleep), sent to the pod itself.
    const inFlight = expectItems(`http://${victim?.ip ?? ""}:${containerPort}`, "{ slowItems { id name } }", 30_000);
    await sleep(1_000);
    const deletion = spawn(plane?.kubectl ?? "kubectl", ["--kubeconfig", plane?.kubeconfig ?? "", "delete", "pod", "-n", namespace, victim?.name ?? "", "--wait=true", "--timeout=120s"], { stdio: "ignore" });
    await inFlight;
    const deleted = await new Promise<number | null>((resolve) => deletion.once("exit", resolve));
    expect(deleted).toBe(0);
    kubectlOk(["rollout", "status", "deployment", app, "-n", namespace, "--timeout=180s"]);
    const { ok, failed } = await load.stop();
    expect(failed, `${failed.length} of ${ok + failed.length} requests failed while the pod drained`).toEqual([]);
    expect(appPods().filter((p) => p.ready && !p.terminating).length).toBe(3);
    note(`pod deletion: the in-flight 3 s query answered; ${ok} requests through the Service, none failed`);
  }, minutes(5));

  it("the plain manifests (kubectl apply -k, through an offline overlay) reach Ready and serve", async () => {
    await helmRun(["uninstall", app, "--namespace", namespace, "--wait", "--timeout", "3m"]);
    // The release's pods finish their preStop pause and graceful shutdown before the manifests take over.
    kubectlOk(["wait", "pods", "-n", namespace, "-l", `app.kubernetes.io/instance=${app}`, "--for=delete", "--timeout=180s"]);
    const overlay = path.join(tree, "deploy", "offline");
    await mkdir(overlay, { recursive: true });
    await writeFile(
      path.join(overlay, "kustomization.yaml"),
      [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources: [../kubernetes]",
        "patches:",
        "  - target: {kind: Deployment}",
        "    patch: |-",
        "      - {op: replace, path: /spec/template/spec/containers/0/imagePullPolicy, value: IfNotPresent}",
        "",
      ].join("\n"),
    );
    kubectlOk(["apply", "-k", overlay]);
    kubectlOk(["rollout", "status", "deployment", app, "-n", namespace, "--timeout=300s"]);
    expect(appPods().filter((p) => p.ready).length).toBe(3);
    await expectItems(serviceBase());
    note("kubectl apply -k: 3/3 Ready, the query answered through the Service");
  }, minutes(8));
});
