/**
 * Cluster DNS for the test node, as kubeadm deploys it: CoreDNS as a Deployment in kube-system labelled
 * `k8s-app: kube-dns` behind the `kube-dns` Service. It must be a pod with those labels, not a process on the
 * host: the generated NetworkPolicy allows the app's DNS egress to exactly those pods, and kube-router enforces it.
 *
 * The image is the CoreDNS binary scripts/install-kube.sh built, FROM scratch. CoreDNS reads the API through a
 * kubeconfig Secret pointing at the API server on the node's address (the test control plane keeps no
 * `kubernetes` Service endpoints, so in-cluster config has nowhere to go).
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { exec } from "../../src/tools/exec.js";

export const coreDnsImage = "fraiseql-test/coredns:local";
export const clusterDnsIp = "10.96.0.10";

/** Builds the CoreDNS image from the binary (every time: a rebuilt binary must not meet a stale image; the
 * engine's layer cache makes an unchanged one instant). */
export async function buildCoreDnsImage(dir: string, binary: string): Promise<void> {
  const context = path.join(dir, "coredns-image");
  await mkdir(context, { recursive: true });
  await copyFile(binary, path.join(context, "coredns"));
  await writeFile(path.join(context, "Dockerfile"), 'FROM scratch\nCOPY coredns /coredns\nENTRYPOINT ["/coredns"]\n');
  const built = await exec("docker", ["build", "-q", "-t", coreDnsImage, context], { timeoutMs: 300_000 });
  if (built.exitCode !== 0) throw new Error(`building ${coreDnsImage} failed: ${built.stderr}`);
}

const indent = (text: string, spaces: number): string =>
  text
    .split("\n")
    .map((line) => (line ? " ".repeat(spaces) + line : line))
    .join("\n");

/**
 * The manifests: the plane's kubeconfig with its server moved from loopback to the node's address, the
 * Corefile of kubeadm, a Deployment and the Service on the address the kubelet hands to pods.
 */
export async function coreDnsManifests(planeKubeconfig: string, nodeIp: string): Promise<string> {
  const kubeconfig = (await readFile(planeKubeconfig, "utf8")).replace("https://127.0.0.1:", `https://${nodeIp}:`);
  const corefile = [
    ".:53 {",
    "    errors",
    "    health :8080",
    "    ready :8181",
    "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
    "        kubeconfig /etc/coredns-kubeconfig/kubeconfig test",
    "        pods insecure",
    "        fallthrough in-addr.arpa ip6.arpa",
    "    }",
    "    forward . /etc/resolv.conf",
    "    cache 30",
    "    loop",
    "}",
  ].join("\n");
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata: {name: coredns-kubeconfig, namespace: kube-system}",
    "stringData:",
    "  kubeconfig: |",
    indent(kubeconfig.trimEnd(), 4),
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata: {name: coredns, namespace: kube-system}",
    "data:",
    "  Corefile: |",
    indent(corefile, 4),
    "---",
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}",
    "spec:",
    "  replicas: 1",
    "  selector: {matchLabels: {k8s-app: kube-dns}}",
    "  template:",
    "    metadata: {labels: {k8s-app: kube-dns}}",
    "    spec:",
    // The node's resolver for names outside the cluster, as kubeadm's CoreDNS has it.
    "      dnsPolicy: Default",
    "      containers:",
    "        - name: coredns",
    `          image: ${coreDnsImage}`,
    "          imagePullPolicy: Never",
    '          args: ["-conf", "/etc/coredns/Corefile"]',
    "          ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]",
    "          readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}",
    "          livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 10}",
    "          volumeMounts:",
    "            - {name: config, mountPath: /etc/coredns, readOnly: true}",
    "            - {name: kubeconfig, mountPath: /etc/coredns-kubeconfig, readOnly: true}",
    "      volumes:",
    "        - {name: config, configMap: {name: coredns}}",
    "        - {name: kubeconfig, secret: {secretName: coredns-kubeconfig}}",
    "---",
    "apiVersion: v1",
    "kind: Service",
    "metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}",
    "spec:",
    `  clusterIP: ${clusterDnsIp}`,
    "  selector: {k8s-app: kube-dns}",
    "  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]",
    "",
  ].join("\n");
}
