/**
 * cargo, for `fraiseql-deploy lock`: resolving the pin manifest into a Cargo.lock, either with the
 * machine's own cargo or, for application teams without Rust, with cargo inside the builder image.
 * Pure argv builders and parsers; the command runs them through the one exec module.
 */
import { parse as parseToml } from "smol-toml";

/** `cargo 1.95.0 (f2d3ce0bd 2026-03-21)` -> 1.95.0 */
export function parseCargoVersion(output: string): string | undefined {
  return /^cargo (\d+\.\d+\.\d+)/m.exec(output)?.[1];
}

/** Resolves the manifest in `dir` and writes `dir/Cargo.lock`. */
export function generateLockfileArgs(dir: string): string[] {
  return ["generate-lockfile", "--manifest-path", `${dir}/Cargo.toml`];
}

/**
 * The same in the builder image, for machines without cargo: the folder is mounted read-write at /pin, and the
 * registry index goes to a throw-away CARGO_HOME under it, so nothing of the container's user is left behind
 * but Cargo.lock (written with the caller's uid/gid when given).
 */
export function dockerGenerateLockfileArgs(dir: string, builderImage: string, user?: string): string[] {
  return [
    "run", "--rm",
    ...(user ? ["--user", user] : []),
    "--volume", `${dir}:/pin`,
    "--workdir", "/pin",
    "--env", "CARGO_HOME=/pin/.cargo-home",
    builderImage,
    "cargo", "generate-lockfile",
  ];
}

/** The version Cargo.lock pins for a package, e.g. what it resolved `fraiseql-server` to; undefined if absent or unreadable. */
export function lockedVersion(lockText: string, packageName: string): string | undefined {
  let lock: Record<string, unknown>;
  try {
    lock = parseToml(lockText);
  } catch {
    return undefined;
  }
  const packages = Array.isArray(lock.package) ? (lock.package as Record<string, unknown>[]) : [];
  const found = packages.find((p) => p.name === packageName);
  return typeof found?.version === "string" ? found.version : undefined;
}
