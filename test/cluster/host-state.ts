/**
 * What a test node changes on its host outside its own folder, and how to undo it: iptables chains (the
 * kubelet's, kube-proxy's, kube-router's), FORWARD accept rules for the pod bridge, pod network namespaces,
 * the CNI plugins' result cache, ipsets, and mounts under the node's folder. Snapshots taken before the node
 * starts tell what is the node's, so a machine's own rules and namespaces are left alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const run = (file: string, args: string[]) => spawnSync(file, args, { encoding: "utf8" });

const cniResults = "/var/lib/cni/results";
const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
const networkNamespaces = (): string[] => listDir("/run/netns").filter((name) => name.startsWith("cni-"));
const ipsets = (): string[] => run("ipset", ["list", "-n"]).stdout.split("\n").filter(Boolean);

/** The host's address on its default route: kubelet refuses a loopback node IP. */
export function hostAddress(): string {
  const route = run("ip", ["-4", "route", "get", "192.0.2.255"]).stdout;
  const fromRoute = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(route)?.[1];
  if (fromRoute) return fromRoute;
  const any = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal && !a.address.startsWith("172.17."));
  if (!any) throw new Error("no non-loopback IPv4 address for the node (kubelet refuses 127.0.0.1)");
  return any.address;
}

/** Docker's iptables rules set the FORWARD policy to DROP: pods on the bridge could not reach each other. */
export function forwardRules(bridge: string, action: "-I" | "-D"): void {
  for (const direction of ["-i", "-o"]) {
    const rule = ["FORWARD", direction, bridge, "-j", "ACCEPT", "-m", "comment", "--comment", "fraiseql-deploy test node"];
    if (action === "-D") while (run("iptables", ["-D", ...rule]).status === 0);
    else run("iptables", ["-I", ...rule]);
  }
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

/** Removes the chains that were not there before, with the jumps into them. */
function removeNewChains(before: Set<string>): void {
  const fresh = [...iptablesChains()].filter((chain) => !before.has(chain)).map((chain) => chain.split(" ") as [string, string, string]);
  for (const [binary, table, chain] of fresh) {
    for (const line of run(binary, ["-t", table, "-S"]).stdout.split("\n")) {
      // Rules are re-read each time: deleting one renumbers the rest. Quoted comments split wrongly, so a jump
      // rule is deleted by its position instead of its text.
      if (!line.startsWith("-A ") || !line.endsWith(`-j ${chain}`)) continue;
      const owner = line.split(" ")[1] ?? "";
      const rules = run(binary, ["-t", table, "-S", owner]).stdout.split("\n").filter((l) => l.startsWith("-A "));
      const position = rules.indexOf(line) + 1;
      if (position > 0) run(binary, ["-t", table, "-D", owner, String(position)]);
    }
  }
  for (const [binary, table, chain] of fresh) run(binary, ["-t", table, "-F", chain]);
  for (const [binary, table, chain] of fresh) run(binary, ["-t", table, "-X", chain]);
}

/** Umounts whatever the kubelet and containerd left mounted under dir, deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " ") ?? "")
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) run("umount", ["-l", mountPoint]);
}

/** Takes the snapshot; the returned function puts the host back (after the node's processes are gone). */
export function snapshotHost(bridge: string, nodeDir: string): () => Promise<void> {
  const chains = iptablesChains();
  const namespaces = new Set(networkNamespaces());
  const results = new Set(listDir(cniResults));
  const sets = new Set(ipsets());
  return async () => {
    removeNewChains(chains);
    forwardRules(bridge, "-D");
    for (const set of ipsets()) if (!sets.has(set)) run("ipset", ["destroy", set]);
    // Pod network namespaces go when the kubelet garbage-collects sandboxes, which a stopped node never does;
    // the CNI result cache likewise.
    for (const netns of networkNamespaces()) if (!namespaces.has(netns)) run("ip", ["netns", "delete", netns]);
    for (const cached of listDir(cniResults)) if (!results.has(cached)) await rm(path.join(cniResults, cached), { force: true });
    run("ip", ["link", "delete", bridge]);
    await unmountUnder(nodeDir);
  };
}
