/**
 * A node for the tests' control plane (test/cluster/control-plane.ts): everything built by
 * scripts/install-kube.sh, no container registry anywhere.
 *
 * - containerd (Debian) with a config, socket and root of its own beside Docker's, runc, and a CNI bridge
 *   (Debian's containernetworking-plugins: bridge + host-local + portmap + loopback);
 * - kubelet, kube-proxy (iptables), kube-scheduler and kube-controller-manager v1.37.2;
 * - CoreDNS on the node's address as the cluster DNS, so pods reach Services by name;
 * - images come from the local Docker engine (`docker save` | `ctr images import`); the pause image is built
 *   here from Kubernetes' own pause.c.
 *
 * What this machine needed, each found the hard way (see the comments where they are set): a hybrid cgroup v1
 * hierarchy (failCgroupV1: false, cgroupfs, no QoS cgroups), restrict_oom_score_adj in a container, a
 * non-loopback node IP, a kubelet root on a filesystem cAdvisor can read (ephemeral-storage capacity), and
 * FORWARD accept rules for the pod bridge because Docker sets that chain's policy to DROP.
 *
 * One node at a time per machine: the bridge name, kube-proxy's iptables chains and port 53 on the node's
 * address are global. Needs root.
 */
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { exec } from "../../src/tools/exec.js";
import { freePort } from "../e2e/support.js";
import { findBinary, start, stopProcess, type ControlPlane } from "./control-plane.js";

export const nodeBinaries = ["kubelet", "kube-proxy", "kube-scheduler", "kube-controller-manager", "coredns", "containerd", "runc", "ctr"] as const;
const cniDir = "/usr/lib/cni";
const bridge = "fdkube0";
const cniNetwork = "fd-bridge";
const cniResults = "/var/lib/cni/results";
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
  /** The node's InternalIP (also where CoreDNS listens). */
  ip: string;
  /** Copies an image from the local Docker engine into the node's containerd. */
  importImage(ref: string): Promise<void>;
  /** The recent output of each component, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

/** The host's address on its default route: kubelet refuses a loopback node IP. */
function hostAddress(): string {
  const route = spawnSync("ip", ["-4", "route", "get", "192.0.2.255"], { encoding: "utf8" }).stdout;
  const fromRoute = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(route)?.[1];
  if (fromRoute) return fromRoute;
  const any = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal && !a.address.startsWith("172.17."));
  if (!any) throw new Error("no non-loopback IPv4 address for the node (kubelet refuses 127.0.0.1)");
  return any.address;
}

const run = (file: string, args: string[]) => spawnSync(file, args, { encoding: "utf8" });

/** Docker's iptables rules set the FORWARD policy to DROP: pods on the bridge could not reach each other. */
function forwardRules(action: "-I" | "-D"): void {
  for (const direction of ["-i", "-o"]) {
    const rule = ["FORWARD", direction, bridge, "-j", "ACCEPT", "-m", "comment", "--comment", "fraiseql-deploy test node"];
    if (action === "-D") while (run("iptables", ["-D", ...rule]).status === 0);
    else run("iptables", ["-I", ...rule]);
  }
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

/** The iptables chains on this machine, per binary and table ("iptables nat KUBE-MARK-MASQ"). */
function iptablesChains(): Set<string> {
  const chains = new Set<string>();
  for (const binary of ["iptables", "ip6tables"]) {
    for (const table of ["filter", "nat", "mangle"]) {
      for (const line of run(binary, ["-t", table, "-S"]).stdout.split("\n")) {
        const chain = /^-N (\S+)/.exec(line)?.[1];
        if (chain) chains.add(`${binary} ${table} ${chain}`);
      }
    }
  }
  return chains;
}

/**
 * Removes the chains the kubelet made (KUBE-FIREWALL, its canaries) that were not there before, with the jumps
 * into them; kube-proxy removes its own (--cleanup).
 */
function removeNewChains(before: Set<string>): void {
  const fresh = [...iptablesChains()].filter((chain) => !before.has(chain)).map((chain) => chain.split(" ") as [string, string, string]);
  for (const [binary, table, chain] of fresh) {
    for (const line of run(binary, ["-t", table, "-S"]).stdout.split("\n")) {
      if (line.startsWith("-A ") && line.includes(`-j ${chain}`)) run(binary, ["-t", table, "-D", ...line.slice(3).split(" ")]);
    }
  }
  for (const [binary, table, chain] of fresh) run(binary, ["-t", table, "-F", chain]);
  for (const [binary, table, chain] of fresh) run(binary, ["-t", table, "-X", chain]);
}

const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
const networkNamespaces = (): string[] => listDir("/run/netns").filter((name) => name.startsWith("cni-"));

/** Umounts whatever the kubelet and containerd left mounted under dir, deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " ") ?? "")
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) run("umount", ["-l", mountPoint]);
}

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
  await mkdir(path.join(dir, "cni"), { recursive: true });

  const importImage = async (ref: string): Promise<void> => {
    const r = await exec("bash", ["-c", 'set -o pipefail; docker save "$1" | "$2" --address "$3" --namespace k8s.io images import -', "import", ref, bin.ctr, socket], { timeoutMs: 600_000 });
    if (r.exitCode !== 0) throw new Error(`importing ${ref} into the node failed: ${r.stderr}`);
  };

  const chainsBefore = iptablesChains();
  const namespacesBefore = new Set(networkNamespaces());
  const resultsBefore = new Set(listDir(cniResults));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Pods first, while the kubelet still runs: it unmounts their volumes and tears their network down.
    spawnSync(plane.kubectl, ["--kubeconfig", plane.kubeconfig, "delete", "pods", "--all", "--all-namespaces", "--grace-period=1", "--wait=true", "--timeout=60s"], { stdio: "ignore" });
    for (const child of processes.slice(1).reverse()) await stopProcess(child);
    // containerd's shims outlive it: kill what is left, then containerd.
    for (const task of run(bin.ctr, ctr("tasks", "ls", "-q")).stdout.split("\n").filter(Boolean)) {
      run(bin.ctr, ctr("tasks", "kill", "-s", "SIGKILL", task));
      run(bin.ctr, ctr("tasks", "delete", "-f", task));
    }
    if (processes[0]) await stopProcess(processes[0]);
    run(bin["kube-proxy"], ["--cleanup"]);
    removeNewChains(chainsBefore);
    forwardRules("-D");
    // Pod network namespaces are removed when the kubelet garbage-collects sandboxes, which a stopped node never
    // does; the CNI results cache likewise.
    for (const netns of networkNamespaces()) if (!namespacesBefore.has(netns)) run("ip", ["netns", "delete", netns]);
    for (const cached of listDir(cniResults)) if (!resultsBefore.has(cached)) await rm(path.join(cniResults, cached), { force: true });
    run("ip", ["link", "delete", bridge]);
    await unmountUnder(dir);
  };

  try {
    // containerd: its own everything; restrict_oom_score_adj because this machine is itself a container (runc
    // fails with "can't get final child's PID from pipe" otherwise); cgroupfs like the kubelet.
    const config = [
      "version = 2",
      `root = "${dir}/containerd/root"`,
      `state = "${dir}/containerd/state"`,
      "[grpc]",
      `  address = "${socket}"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = "${pauseImage}"`,
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
    await writeFile(path.join(dir, "containerd.toml"), config);
    await writeFile(
      path.join(dir, "cni", "10-fd-bridge.conflist"),
      JSON.stringify({
        cniVersion: "1.0.0",
        name: cniNetwork,
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
      }),
    );
    forwardRules("-I");
    launch("containerd", bin.containerd, ["--config", path.join(dir, "containerd.toml")]);
    await buildPauseImage(dir);
    for (let i = 0; !existsSync(socket); i++) {
      if (i > 100 || processes[0]?.exitCode !== null) throw new Error(`containerd did not start\n${describeLogs(logs)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await importImage(pauseImage);

    const [kubeletPort, proxyHealth, proxyMetrics, schedulerPort, managerPort, dnsReady] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    await writeFile(
      path.join(dir, "kubelet.yaml"),
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
        `port: ${kubeletPort}`,
        "readOnlyPort: 0",
        "healthzPort: 0",
        `podLogsDir: ${dir}/pod-logs`,
        "serializeImagePulls: false",
        // Images are imported, never pulled: garbage collection must not remove them.
        "imageGCHighThresholdPercent: 100",
        "evictionHard: {}",
        `clusterDNS: [${ip}]`,
        "clusterDomain: cluster.local",
        "resolvConf: /etc/resolv.conf",
        "",
      ].join("\n"),
    );
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
    await writeFile(
      path.join(dir, "Corefile"),
      [
        `.:53 {`,
        `    bind ${ip}`,
        "    errors",
        `    ready 127.0.0.1:${dnsReady}`,
        `    kubernetes cluster.local in-addr.arpa ip6.arpa {`,
        `        kubeconfig ${plane.kubeconfig} test`,
        "        pods insecure",
        "        fallthrough in-addr.arpa ip6.arpa",
        "    }",
        "    forward . /etc/resolv.conf",
        "    cache 30",
        "}",
        "",
      ].join("\n"),
    );
    launch("coredns", bin.coredns, ["-conf", path.join(dir, "Corefile")]);

    const kubectl = (...args: string[]) => spawnSync(plane.kubectl, ["--kubeconfig", plane.kubeconfig, ...args], { encoding: "utf8" });
    const deadline = Date.now() + 180_000;
    for (;;) {
      const dead = processes.find((p) => p.exitCode !== null);
      if (dead || Date.now() > deadline) {
        const which = dead ? `${Object.keys(logs)[processes.indexOf(dead)]} exited (${dead.exitCode})` : "the node was not Ready within 180 s";
        throw new Error(`${which}\n${describeLogs(logs)}`);
      }
      const ready = kubectl("get", "node", name, "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}").stdout.trim();
      const dns = await fetch(`http://127.0.0.1:${dnsReady}/ready`).then((r) => r.ok, () => false);
      if (ready === "True" && dns) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
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
