/**
 * A Kubernetes control plane for the tests: etcd and kube-apiserver (built by scripts/install-kube.sh)
 * on free ports in a temporary folder, with a static admin token and the serving certificate the API server
 * makes for itself. Admission runs as in any cluster, Pod Security included. Torn down by stop().
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../e2e/support.js";

export interface ControlPlane {
  kubeconfig: string;
  /** The API server's version as it reports it (v1.37.2). */
  version: string;
  kubectl: string;
  /** The temporary folder that holds etcd's data, the keys and the kubeconfig (removed by stop()). */
  dir: string;
  /** The API server's self-made serving certificate: the cluster's CA for a node's controllers. */
  servingCertificate: string;
  /** The service account signing key (the controller manager's token controller needs it). */
  serviceAccountKey: string;
  /** The Service ClusterIP range. */
  serviceCidr: string;
  stop(): Promise<void>;
}

const serviceCidr = "10.96.0.0/16";

const toolsBin = path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools", "bin");

/** A binary on PATH, else in the tools bin folder where scripts/install-kube.sh links it. */
export function findBinary(name: string): string | undefined {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const cached = path.join(toolsBin, name);
  return existsSync(cached) ? cached : undefined;
}

/** What is missing to start a control plane here (empty when everything is there). */
export function controlPlaneProblems(): string[] {
  return ["etcd", "kube-apiserver", "kubectl"].filter((name) => findBinary(name) === undefined).map((name) => `${name} is not installed (scripts/install-kube.sh)`);
}

/** Starts a process whose output is kept (the last 200 chunks) for the error message when it dies. */
export function start(file: string, args: string[], log: string[]): ChildProcess {
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer): void => {
    log.push(chunk.toString("utf8"));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return child;
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * bindAddress: where the API server listens (loopback by default; a node's pods need "0.0.0.0"). The kubeconfig
 * always points at 127.0.0.1.
 */
export async function startControlPlane(options: { bindAddress?: string } = {}): Promise<ControlPlane> {
  const [etcd, apiserver, kubectl] = ["etcd", "kube-apiserver", "kubectl"].map(findBinary);
  if (!etcd || !apiserver || !kubectl) throw new Error(controlPlaneProblems().join("; "));
  const dir = await mkdtemp(path.join(os.tmpdir(), "fd-control-plane-"));
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const logs: { etcd: string[]; apiserver: string[] } = { etcd: [], apiserver: [] };

  const etcdProcess = start(
    etcd,
    [
      "--name=test",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
      "--logger=zap",
      "--log-level=warn",
    ],
    logs.etcd,
  );

  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  await writeFile(path.join(dir, "sa.pub"), publicKey);
  await writeFile(path.join(dir, "sa.key"), privateKey);
  const token = randomBytes(24).toString("hex");
  await writeFile(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);

  const apiserverProcess = start(
    apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--bind-address=${options.bindAddress ?? "127.0.0.1"}`,
      "--advertise-address=127.0.0.1",
      // No kubernetes Service endpoints to keep: the reconciler refuses a loopback address.
      "--endpoint-reconciler-type=none",
      `--secure-port=${securePort}`,
      `--cert-dir=${path.join(dir, "certs")}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${path.join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      // A test node's name does not resolve; its InternalIP does (kubectl exec and logs go through the kubelet).
      "--kubelet-preferred-address-types=InternalIP,Hostname",
    ],
    logs.apiserver,
  );

  const kubeconfig = path.join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: test",
      "    cluster:",
      `      server: https://127.0.0.1:${securePort}`,
      // The serving certificate is the one the API server made for itself; nothing outside this test trusts it.
      "      insecure-skip-tls-verify: true",
      "users:",
      "  - name: admin",
      "    user:",
      `      token: ${token}`,
      "contexts:",
      "  - name: test",
      "    context: { cluster: test, user: admin }",
      "current-context: test",
      "",
    ].join("\n"),
  );

  const stop = async (): Promise<void> => {
    await stopProcess(apiserverProcess);
    await stopProcess(etcdProcess);
    await rm(dir, { recursive: true, force: true });
  };

  // Ready when /readyz answers (the API server waits for etcd and its own post-start hooks).
  const deadline = Date.now() + 120_000;
  for (;;) {
    const exited = [etcdProcess, apiserverProcess].find((p) => p.exitCode !== null);
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`the control plane did not start:\netcd: ${logs.etcd.join("").slice(-2000)}\nkube-apiserver: ${logs.apiserver.join("").slice(-4000)}`);
    }
    const ready = spawnSync(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz", "--request-timeout=5s"], { encoding: "utf8" });
    if (ready.status === 0 && ready.stdout.trim() === "ok") break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const versionOut = spawnSync(kubectl, ["--kubeconfig", kubeconfig, "version", "-o", "json"], { encoding: "utf8" }).stdout;
  const version = (JSON.parse(versionOut) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion ?? "unknown";
  const servingCertificate = path.join(dir, "certs", "apiserver.crt");
  return { kubeconfig, version, kubectl, dir, servingCertificate, serviceAccountKey: path.join(dir, "sa.key"), serviceCidr, stop };
}
