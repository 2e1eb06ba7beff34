/**
 * Reads facts about the user's repository that make better defaults: the
 * Rust toolchain, the server crate's version, the GitHub owner, the schema.
 * Every read is optional; a missing or odd file just means no fact.
 */
import { fs } from "../builtins.js";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { ProjectFacts } from "./fields.js";

// Synchronous reads: a handful of small files, each an fs/promises thread-pool round trip otherwise.
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function tomlOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

const get = (obj: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), obj);

const versionLike = (v: unknown): string | undefined =>
  typeof v === "string" && /^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(v) ? v : undefined;

/** Cargo.toml paths of the workspace's members: `members` entries, with a trailing `/*` expanded one level. */
function memberManifests(root: string, cargo: Record<string, unknown> | undefined): string[] {
  const members = get(cargo, "workspace", "members");
  if (!Array.isArray(members)) return [];
  const dirs: string[] = [];
  for (const member of members) {
    if (typeof member !== "string") continue;
    if (member.endsWith("/*")) {
      const parent = path.join(root, member.slice(0, -2));
      try {
        for (const entry of fs.readdirSync(parent, { withFileTypes: true })) if (entry.isDirectory()) dirs.push(path.join(parent, entry.name));
      } catch {
        // A member glob over a missing folder is cargo's problem, not a fact about the server.
      }
    } else if (!/[*?[]/.test(member)) {
      dirs.push(path.join(root, member));
    }
  }
  return dirs.map((dir) => path.join(dir, "Cargo.toml"));
}

/**
 * The packages of the repository's Cargo project: the root package and the workspace members, by name, each with
 * its parsed manifest and its repository-relative Cargo.toml path. Empty without a readable root Cargo.toml.
 */
export function cargoPackages(root: string): Map<string, { manifest: string; toml: Record<string, unknown> }> {
  const packages = new Map<string, { manifest: string; toml: Record<string, unknown> }>();
  const cargo = tomlOf(readText(path.join(root, "Cargo.toml")));
  if (cargo === undefined) return packages;
  const add = (toml: Record<string, unknown> | undefined, file: string): void => {
    const name = get(toml, "package", "name");
    if (toml && typeof name === "string") packages.set(name, { manifest: path.relative(root, file).split(path.sep).join("/"), toml });
  };
  add(cargo, path.join(root, "Cargo.toml"));
  for (const file of memberManifests(root, cargo)) add(tomlOf(readText(file)), file);
  return packages;
}

/**
 * The fraiseql-server package of the repository's own Cargo workspace, if it has one. Its version may be
 * inherited from [workspace.package].
 */
function serverWorkspace(root: string, cargo: Record<string, unknown> | undefined): ProjectFacts["serverWorkspace"] {
  const server = cargoPackages(root).get("fraiseql-server")?.toml;
  if (!server) return undefined;
  const version = versionLike(get(server, "package", "version")) ?? versionLike(get(cargo, "workspace", "package", "version"));
  return version ? { version } : {};
}

export async function detectProject(root: string): Promise<ProjectFacts> {
  const facts: ProjectFacts = { dirName: path.basename(path.resolve(root)) };
  const toolchain = tomlOf(readText(path.join(root, "rust-toolchain.toml")));
  const legacyToolchain = (readText(path.join(root, "rust-toolchain")))?.trim();
  const cargo = tomlOf(readText(path.join(root, "Cargo.toml")));

  const rustVersion =
    versionLike(get(toolchain, "toolchain", "channel")) ??
    versionLike(legacyToolchain) ??
    versionLike(get(cargo, "workspace", "package", "rust-version")) ??
    versionLike(get(cargo, "package", "rust-version"));
  if (rustVersion) facts.rustVersion = rustVersion;

  const workspace = serverWorkspace(root, cargo);
  if (workspace) facts.serverWorkspace = workspace;
  const crateVersion = workspace?.version ?? versionLike(get(cargo, "workspace", "package", "version")) ?? versionLike(get(cargo, "package", "version"));
  if (crateVersion) facts.crateVersion = crateVersion;

  const gitConfig = readText(path.join(root, ".git", "config"));
  const owner = gitConfig && /url\s*=\s*(?:https:\/\/|git@)github\.com[:/]([A-Za-z0-9-]+)\//.exec(gitConfig)?.[1];
  if (owner) facts.gitOwner = owner.toLowerCase();

  const found = (candidates: string[]): string | undefined => candidates.find((c) => fs.existsSync(path.join(root, c)));
  const compiled = found(["schema.compiled.json", "schema/schema.compiled.json", "build/schema.compiled.json"]);
  if (compiled) facts.schemaPath = compiled;
  const authored = found(["schema.json", "schema/schema.json"]);
  if (authored) facts.schemaSourcePath = authored;
  return facts;
}
