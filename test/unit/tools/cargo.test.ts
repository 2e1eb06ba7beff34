import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { dockerGenerateLockfileArgs, generateLockfileArgs, lockedVersion, parseCargoVersion } from "../../../src/tools/cargo.js";
import { repoRoot, sampleCargoLock } from "../../helpers.js";

describe("parseCargoVersion", () => {
  it.each<[string, string | undefined]>([
    ["cargo 1.95.0 (f2d3ce0bd 2026-03-21)\n", "1.95.0"],
    ["cargo 1.85.1 (d73d2caf9 2024-12-31)", "1.85.1"],
    ["cargo 1.97.0-nightly (1a2b3c4d5 2026-05-02)\n", "1.97.0"],
    ["cargo 1.95.0\n", "1.95.0"],
    // rustup may print a note first; the version line still counts.
    ["info: syncing channel updates for '1.95.0-x86_64-unknown-linux-gnu'\ncargo 1.95.0 (f2d3ce0bd 2026-03-21)\n", "1.95.0"],
    ["rustc 1.95.0 (4d91de4e4 2026-03-19)\n", undefined],
    ["cargo-clippy 0.1.95\n", undefined],
    ["error: no such command: `--version`\n", undefined],
    ["", undefined],
  ])("%j -> %s", (output, expected) => {
    expect(parseCargoVersion(output)).toBe(expected);
  });
});

describe("generate-lockfile argv", () => {
  it("resolves the manifest of a folder with the machine's cargo", () => {
    expect(generateLockfileArgs("/tmp/fraiseql-lock-abc")).toEqual(["generate-lockfile", "--manifest-path", "/tmp/fraiseql-lock-abc/Cargo.toml"]);
  });

  it.each<[string, string | undefined, string[]]>([
    [
      "as the caller's uid:gid",
      "1000:1000",
      ["run", "--rm", "--user", "1000:1000", "--volume", "/tmp/fraiseql-lock-abc:/pin", "--workdir", "/pin", "--env", "CARGO_HOME=/pin/.cargo-home", "rust:1.95.0-slim-trixie", "cargo", "generate-lockfile"],
    ],
    [
      "as the image's user when none is given",
      undefined,
      ["run", "--rm", "--volume", "/tmp/fraiseql-lock-abc:/pin", "--workdir", "/pin", "--env", "CARGO_HOME=/pin/.cargo-home", "rust:1.95.0-slim-trixie", "cargo", "generate-lockfile"],
    ],
  ])("or with cargo in the builder image, %s", (_name, user, expected) => {
    expect(dockerGenerateLockfileArgs("/tmp/fraiseql-lock-abc", "rust:1.95.0-slim-trixie", user)).toEqual(expected);
  });
});

describe("lockedVersion", () => {
  const lock = sampleCargoLock("2.19.0");

  it("the sample is a Cargo.lock cargo could have written", () => {
    const parsed = parseToml(lock) as { version: number; package: { name: string }[] };
    expect(parsed.version).toBe(4);
    expect(parsed.package.map((p) => p.name)).toContain("fraiseql-server-pin");
  });

  it.each<[string, string, string | undefined]>([
    ["the server", "fraiseql-server", "2.19.0"],
    ["the schema compiler", "fraiseql-cli", "2.19.0"],
    ["the pin package itself", "fraiseql-server-pin", "0.0.0"],
    ["a dependency", "tokio", "1.48.0"],
    ["a package it does not hold", "axum", undefined],
    ["a name prefix is no match", "fraiseql", undefined],
  ])("%s (%s) -> %s", (_name, pkg, expected) => {
    expect(lockedVersion(lock, pkg)).toBe(expected);
  });

  it("reads the lock cargo wrote for the e2e application (test/fixtures/fraiseql-app)", () => {
    const real = readFileSync(path.join(repoRoot, "test/fixtures/fraiseql-app/deploy/fraiseql/server/Cargo.lock"), "utf8");
    expect(lockedVersion(real, "fraiseql-server")).toBe("2.19.0");
    expect(lockedVersion(real, "fraiseql-cli")).toBe("2.19.0");
    expect(lockedVersion(real, "fraiseql-server-pin")).toBe("0.0.0");
  });

  it("reads what another server version resolved to", () => {
    expect(lockedVersion(sampleCargoLock("2.18.0"), "fraiseql-server")).toBe("2.18.0");
  });

  it.each<[string, string]>([
    ["not TOML", "[[package]\nname = "],
    ["empty", ""],
    ["no packages", "version = 4\n"],
    ["packages that are not a list of tables", 'package = "fraiseql-server"\n'],
    ["a version that is not a string", '[[package]]\nname = "fraiseql-server"\nversion = 2\n'],
  ])("is undefined for a lock file it cannot read (%s)", (_name, text) => {
    expect(lockedVersion(text, "fraiseql-server")).toBeUndefined();
  });
});
