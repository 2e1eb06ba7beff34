/**
 * A node for the tests' control plane (test/cluster/control-plane.ts): everything built by
 * scripts/install-kube.sh, no container registry anywhere.
 *
 * - containerd (Debian) with a config, socket and root of its own beside Docker's, runc, and a CNI bridge
 *   (Debian's containernetworking-plugins: bridge + host-local + portmap + loopback);
 * - kubelet, kube-proxy (iptables), kube-scheduler and kube-controller-manager v1.37.2;
 * - kube-router's NetworkPolicy firewall (the bridge plugin enforces no policy);
 * - CoreDNS as a kube-system pod behind the kube-dns Service (test/cluster/cluster-dns.ts);
 * - images come from the local Docker engine (`docker save` | `ctr images import`); the pause image is built
 *   here from Kubernetes' own pause.c.
 *
 * What this machine needed, each found the hard way (see the comments where they are set): a hybrid cgroup v1
 * hierarchy (failCgroupV1: false, cgroupfs, no QoS cgroups), restrict_oom_score_adj in a container, a
 * non-loopback node IP, a kubelet root on a filesystem cAdvisor can read (ephemeral-storage capacity), and
 * FORWARD accept rules for the pod bridge because Docker sets that chain's policy to DROP.
 *
 * One node at a time per machine: the bridge, the pod range and the iptables chains are global. Needs root.
 * The control plane must listen beyond loopback (startControlPlane({ bindAddress: "0.0.0.0" })): CoreDNS
 * reads the API from a pod.
 */
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { exec } from "../../src/tools/exec.js";
import { freePort } from "../e2e/support.js";
import { buildCoreDnsImage, clusterDnsIp, coreDnsImage, coreDnsManifests } from "./cluster-dns.js";
import { findBinary, start, stopProcess, type ControlPlane } from "./control-plane.js";
import { forwardRules, hostAddress, run, snapshotHost } from "./host-state.js";

export const nodeBinaries = ["kubelet", "kube-proxy", "kube-scheduler", "kube-controller-manager", "kube-router", "coredns", "containerd", "runc", "ctr", "ipset"] as const;
const cniDir = "/usr/lib/cni";
const bridge = "fdkube0";
const podCidr = "10.244.0.0/24";
export const pauseImage = "registry.k8s.io/pause:3.10";

/** What is missing to start a node here (empty when everything is there). */
export function nodeProblems(): string[] {
  const problems = nodeBinaries.filter((name) => findBinary(name) === undefined).map((name) => `${name} is not installed (scripts/install-kube.sh)`);
  if (!existsSync(path.join(cniDir, "bridge"))) problems.push(`the CNI plugins are not in ${cniDir} (scripts/install-kube.sh installs containernetworking-plugins)`);
  if (process.getuid?.() !== 0) problems.push("a node needs root (containerd, iptables, mounts)");
  if (spawnSync("docker", ["info"], { stdio: "ignore" }).status !== 0) problems.push("the Docker engine is not running (scripts/setup-docker.sh): images come from it");
  return problems;
}

export interface KubeNode {
  name: string;
  /** The node's InternalIP. */
  ip: string;
  /** Copies an image from the local Docker engine into the node's containerd. */
  importImage(ref: string): Promise<void>;
  /** The recent output of each component, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

async function buildPauseImage(dir: string): Promise<void> {
  if (run("docker", ["image", "inspect", pauseImage]).status === 0) return;
  // Kubernetes' own pause.c, from the module download scripts/install-kube.sh used; static, as upstream builds it.
  const version = run(findBinary("kubelet") ?? "kubelet", ["--version"]).stdout.trim().split(" ").pop() ?? "";
  const gomodcache = path.join(os.homedir(), ".cache", "fraiseql-deploy", "go", "pkg", "mod");
  const source = path.join(gomodcache, "k8s.io", `kubernetes@${version}`, "build", "pause", "linux", "pause.c");
  if (!existsSync(source)) throw new Error(`pause.c not found at ${source} (scripts/install-kube.sh downloads k8s.io/kubernetes)`);
  const context = path.join(dir, "pause");
  await mkdir(context, { recursive: true });
  const cc = await exec("gcc", ["-Os", "-Wall", "-Werror", "-static", `-DVERSION=3.10-fraiseql-deploy`, "-o", path.join(context, "pause"), source], { timeoutMs: 120_000 });
  if (cc.exitCode !== 0) throw new Error(`building pause failed: ${cc.stderr}`);
  await writeFile(path.join(context, "Dockerfile"), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
  const built = await exec("docker", ["build", "-q", "-t", pauseImage, context], { timeoutMs: 300_000 });
  if (built.exitCode !== 0) throw new Error(`building ${pauseImage} failed: ${built.stderr}`);
}

const containerdConfig = (dir: string, socket: string): string =>
  [
    "version = 2",
    `root = "${dir}/containerd/root"`,
    `state = "${dir}/containerd/state"`,
    "[grpc]",
    `  address = "${socket}"`,
    '[plugins."io.containerd.grpc.v1.cri"]',
    `  sandbox_image = "${pauseImage}"`,
    // This machine is itself a container: without it runc fails with "can't get final child's PID from pipe".
    "  restrict_oom_score_adj = true",
    '  [plugins."io.containerd.grpc.v1.cri".cni]',
    `    bin_dir = "${cniDir}"`,
    `    conf_dir = "${dir}/cni"`,
    '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '    runtime_type = "io.containerd.runc.v2"',
    '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    "      SystemdCgroup = false",
    "",
  ].join("\n");

const cniConfig = (dir: string): string =>
  JSON.stringify({
    cniVersion: "1.0.0",
    name: "fd-bridge",
    plugins: [
      {
        type: "bridge",
        bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: "host-local", ranges: [[{ subnet: podCidr }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: path.join(dir, "cni-ipam") },
      },
      { type: "portmap", capabilities: { portMappings: true } },
      { type: "loopback" },
    ],
  });

const kubeletConfig = (dir: string, socket: string, ip: string, port: number): string =>
  [
    "apiVersion: kubelet.config.k8s.io/v1beta1",
    "kind: KubeletConfiguration",
    // This machine has a hybrid cgroup v1 hierarchy, which kubelet 1.35+ refuses unless told.
    "failCgroupV1: false",
    "cgroupDriver: cgroupfs",
    "cgroupsPerQOS: false",
    "enforceNodeAllocatable: []",
    "failSwapOn: false",
    `containerRuntimeEndpoint: unix://${socket}`,
    // The API server calls the kubelet (exec, logs) without a client certificate here; the kubelet listens
    // on this machine only, which has no other tenants.
    "authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}",
    "authorization: {mode: AlwaysAllow}",
    // The API server reaches the kubelet (logs, exec) on the node's InternalIP.
    `address: ${ip}`,
    `port: ${port}`,
    "readOnlyPort: 0",
    "healthzPort: 0",
    `podLogsDir: ${dir}/pod-logs`,
    "serializeImagePulls: false",
    // Images are imported, never pulled: garbage collection must not remove them.
    "imageGCHighThresholdPercent: 100",
    "evictionHard: {}",
    `clusterDNS: [${clusterDnsIp}]`,
    "clusterDomain: cluster.local",
    "resolvConf: /etc/resolv.conf",
    "",
  ].join("\n");

export async function startNode(plane: ControlPlane): Promise<KubeNode> {
  const problems = nodeProblems();
  if (problems.length > 0) throw new Error(problems.join("; "));
  const bin = Object.fromEntries(nodeBinaries.map((name) => [name, findBinary(name) as string])) as Record<(typeof nodeBinaries)[number], string>;
  // The kubelet's root must be on a filesystem cAdvisor reads (ext4 here, not an overlay), or the node reports
  // no ephemeral-storage and refuses pods that request it: the plane's folder under the system temp dir.
  const dir = path.join(plane.dir, "node");
  const ip = hostAddress();
  const name = "fd-node";
  const logs: Record<string, string[]> = {};
  const processes: ChildProcess[] = [];
  const launch = (component: string, file: string, args: string[]): void => {
    logs[component] = [];
    processes.push(start(file, args, logs[component]));
  };
  const socket = path.join(dir, "containerd", "containerd.sock");
  const ctr = (...args: string[]) => ["--address", socket, "--namespace", "k8s.io", ...args];
  const kubectl = (args: string[], input?: string) => spawnSync(plane.kubectl, ["--kubeconfig", plane.kubeconfig, ...args], { encoding: "utf8", input, timeout: 300_000 });
  await mkdir(path.join(dir, "cni"), { recursive: true });

  const importImage = async (ref: string): Promise<void> => {
    const r = await exec("bash", ["-c", 'set -o pipefail; docker save "$1" | "$2" --address "$3" --namespace k8s.io images import -', "import", ref, bin.ctr, socket], { timeoutMs: 600_000 });
    if (r.exitCode !== 0) throw new Error(`importing ${ref} into the node failed: ${r.stderr}`);
  };

  const restoreHost = snapshotHost(bridge, dir);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Pods first, while the kubelet still runs: it unmounts their volumes and tears their network down.
    kubectl(["delete", "pods", "--all", "--all-namespaces", "--grace-period=1", "--wait=true", "--timeout=60s"]);
    for (const child of processes.slice(1).reverse()) await stopProcess(child);
    // containerd's shims outlive it: kill what is left, then containerd.
    for (const task of run(bin.ctr, ctr("tasks", "ls", "-q")).stdout.split("\n").filter(Boolean)) {
      run(bin.ctr, ctr("tasks", "kill", "-s", "SIGKILL", task));
      run(bin.ctr, ctr("tasks", "delete", "-f", task));
    }
    if (processes[0]) await stopProcess(processes[0]);
    run(bin["kube-proxy"], ["--cleanup"]);
    await restoreHost();
  };

  try {
    await writeFile(path.join(dir, "containerd.toml"), containerdConfig(dir, socket));
    await writeFile(path.join(dir, "cni", "10-fd-bridge.conflist"), cniConfig(dir));
    forwardRules(bridge, "-I");
    launch("containerd", bin.containerd, ["--config", path.join(dir, "containerd.toml")]);
    await Promise.all([buildPauseImage(dir), buildCoreDnsImage(dir, realpathSync(bin.coredns))]);
    for (let i = 0; !existsSync(socket); i++) {
      if (i > 100 || processes[0]?.exitCode !== null) throw new Error(`containerd did not start\n${describeLogs(logs)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await importImage(pauseImage);
    await importImage(coreDnsImage);

    const [kubeletPort, proxyHealth, proxyMetrics, schedulerPort, managerPort, routerHealth] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    await writeFile(path.join(dir, "kubelet.yaml"), kubeletConfig(dir, socket, ip, kubeletPort));
    launch("kubelet", bin.kubelet, [
      `--kubeconfig=${plane.kubeconfig}`,
      `--config=${path.join(dir, "kubelet.yaml")}`,
      `--root-dir=${path.join(dir, "kubelet")}`,
      `--cert-dir=${path.join(dir, "kubelet-pki")}`,
      `--hostname-override=${name}`,
      `--node-ip=${ip}`,
      "--v=1",
    ]);
    launch("kube-proxy", bin["kube-proxy"], [
      `--kubeconfig=${plane.kubeconfig}`,
      "--proxy-mode=iptables",
      `--hostname-override=${name}`,
      `--cluster-cidr=${podCidr}`,
      `--healthz-bind-address=127.0.0.1:${proxyHealth}`,
      `--metrics-bind-address=127.0.0.1:${proxyMetrics}`,
      // This machine is a container: nf_conntrack_max is not ours to set.
      "--conntrack-max-per-core=0",
    ]);
    launch("kube-scheduler", bin["kube-scheduler"], [`--kubeconfig=${plane.kubeconfig}`, "--leader-elect=false", `--secure-port=${schedulerPort}`, "--bind-address=127.0.0.1"]);
    launch("kube-controller-manager", bin["kube-controller-manager"], [
      `--kubeconfig=${plane.kubeconfig}`,
      "--leader-elect=false",
      `--secure-port=${managerPort}`,
      "--bind-address=127.0.0.1",
      // kube-root-ca.crt in every namespace, and the ServiceAccount token controller.
      `--root-ca-file=${plane.servingCertificate}`,
      `--service-account-private-key-file=${plane.serviceAccountKey}`,
      `--service-cluster-ip-range=${plane.serviceCidr}`,
    ]);
    const deadline = Date.now() + 180_000;
    const check = (what: string): void => {
      const dead = processes.find((p) => p.exitCode !== null);
      if (dead) throw new Error(`${Object.keys(logs)[processes.indexOf(dead)]} exited (${dead.exitCode})\n${describeLogs(logs)}`);
      if (Date.now() > deadline) throw new Error(`${what} within 180 s\n${describeLogs(logs)}`);
    };
    for (;;) {
      check("the node was not Ready");
      const ready = kubectl(["get", "node", name, "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}"]).stdout.trim();
      if (ready === "True") break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    // NetworkPolicy: kube-router's firewall only, once its Node exists (pod routing stays with the bridge, Services with kube-proxy).
    launch("kube-router", bin["kube-router"], [
      `--kubeconfig=${plane.kubeconfig}`,
      `--hostname-override=${name}`,
      "--run-firewall=true",
      "--run-router=false",
      "--run-service-proxy=false",
      "--run-loadbalancer=false",
      "--enable-cni=false",
      "--enable-ipv6=false",
      `--service-cluster-ip-range=${plane.serviceCidr}`,
      `--health-port=${routerHealth}`,
      "--metrics-port=0",
    ]);

    for (;;) {
      check("kube-router's firewall was not healthy");
      if (await fetch(`http://127.0.0.1:${routerHealth}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const dns = kubectl(["apply", "-f", "-"], await coreDnsManifests(plane.kubeconfig, ip));
    if (dns.status !== 0) throw new Error(`deploying CoreDNS failed: ${dns.stderr}`);
    const rollout = kubectl(["rollout", "status", "-n", "kube-system", "deployment/coredns", "--timeout=120s"]);
    check("CoreDNS was not ready");
    if (rollout.status !== 0) throw new Error(`CoreDNS did not become ready: ${rollout.stdout}${rollout.stderr}\n${describeLogs(logs)}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return { name, ip, importImage, logs: () => describeLogs(logs), stop };
}

function describeLogs(logs: Record<string, string[]>): string {
  return Object.entries(logs)
    .map(([component, lines]) => `--- ${component}\n${lines.join("").split("\n").slice(-25).join("\n")}`)
    .join("\n");
}
