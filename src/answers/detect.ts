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

export async function detectProject(root: string): Promise<ProjectFacts> {
  const facts: ProjectFacts = { dirName: path.basename(path.resolve(root)) };
  const toolchain = tomlOf(readText(path.join(root, "rust-toolchain.toml")));
  const legacyToolchain = (readText(path.join(root, "rust-toolchain")))?.trim();
  const cargo = tomlOf(readText(path.join(root, "Cargo.toml")));
  const server = tomlOf(readText(path.join(root, "crates", "fraiseql-server", "Cargo.toml")));

  const rustVersion =
    versionLike(get(toolchain, "toolchain", "channel")) ??
    versionLike(legacyToolchain) ??
    versionLike(get(cargo, "workspace", "package", "rust-version")) ??
    versionLike(get(cargo, "package", "rust-version"));
  if (rustVersion) facts.rustVersion = rustVersion;

  const crateVersion =
    versionLike(get(server, "package", "version")) ??
    versionLike(get(cargo, "workspace", "package", "version")) ??
    versionLike(get(cargo, "package", "version"));
  if (crateVersion) facts.crateVersion = crateVersion;

  const gitConfig = readText(path.join(root, ".git", "config"));
  const owner = gitConfig && /url\s*=\s*(?:https:\/\/|git@)github\.com[:/]([A-Za-z0-9-]+)\//.exec(gitConfig)?.[1];
  if (owner) facts.gitOwner = owner.toLowerCase();

  for (const candidate of ["schema.compiled.json", "schema/schema.compiled.json", "build/schema.compiled.json"]) {
    if (fs.existsSync(path.join(root, candidate))) {
      facts.schemaPath = candidate;
      break;
    }
  }
  return facts;
}
