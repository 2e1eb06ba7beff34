import { describe, expect, it } from "vitest";
import { mkdir, readFile, readdir, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { appRepo, repoRoot, runCli, sampleSchemaJson, tempDir, writeServerWorkspace } from "../helpers.js";

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}


describe("fraiseql-deploy init (the built CLI)", () => {
  it("writes the whole tree with --yes and repeats it identically from the saved answers", async () => {
    const dir = await appRepo();
    const first = runCli(["init", "--yes", dir]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const files = await listFiles(dir);
    expect(files).toContain("fraiseql-deploy.yaml");
    expect(files).toContain("Dockerfile");
    // An application repository (schema.json, no Rust): the published server, pinned, and the schema compiled in the image.
    expect(files).toContain("deploy/fraiseql/server/Cargo.toml");
    expect(files).toContain("deploy/fraiseql/server/pin.rs");
    const saved = yaml.load(await readFile(path.join(dir, "fraiseql-deploy.yaml"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(saved.server).toMatchObject({ source: "crates", version: "2.19.0" });
    expect(saved.schema).toMatchObject({ source: "image", compile: true, path: "schema.json" });
    expect(saved.build).toMatchObject({ rustVersion: "1.95.0" });
    expect(await readFile(path.join(dir, "schema.json"), "utf8")).toBe(sampleSchemaJson);
    const again = runCli(["init", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("wrote 0 file(s)");
    expect(await listFiles(dir)).toEqual(files);
  });

  it("exits 2 and writes nothing for an invalid answer, naming the field and the rule", async () => {
    const dir = await tempDir();
    const result = runCli(["init", "--yes", "--set", "server.port=80", "--set", "app.name=Bad_Name", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("server.port: must be at least 1024");
    expect(result.stderr).toContain("app.name: must be a DNS-1123 label");
    expect(await listFiles(dir)).toEqual([]);
  });

  it("exits 2 for a malformed answers file, leaving the folder untouched", async () => {
    const dir = await tempDir();
    const answers = path.join(dir, "answers.yaml");
    await writeFile(answers, "app:\n  name: [oops\n");
    const result = runCli(["init", "--config", answers, dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/answers\.yaml.*\n.*\(file\): is not valid YAML/);
    expect(await listFiles(dir)).toEqual(["answers.yaml"]);
  });

  it("exits 2 for a missing answers file", async () => {
    const result = runCli(["init", "--config", "/nonexistent/answers.yaml", await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--config /nonexistent/answers.yaml: file not found");
  });

  it("lists the missing answers instead of hanging when there is no terminal", async () => {
    const dir = await tempDir();
    const result = runCli(["init", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no terminal to ask on");
    expect(result.stderr).toContain("  - app.name");
    expect(await listFiles(dir)).toEqual([]);
  });

  it("never overwrites a user's file without consent (exit 3), and honours --skip-existing and --force", async () => {
    const dir = await appRepo();
    await writeFile(path.join(dir, "Dockerfile"), "FROM my-own-image\n");
    const refused = runCli(["init", "--yes", dir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("  - Dockerfile");
    expect(await listFiles(dir)).toEqual(["Dockerfile", "schema.json"]);

    const skipped = runCli(["init", "--yes", "--skip-existing", dir]);
    expect(skipped.code).toBe(0);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).toBe("FROM my-own-image\n");
    expect(skipped.stdout).toContain("kept (exists): Dockerfile");

    const forced = runCli(["init", "--yes", "--force", dir]);
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).not.toBe("FROM my-own-image\n");
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const dir = await appRepo();
    await writeFile(path.join(dir, "Dockerfile"), "FROM mine\n");
    const result = runCli(["init", "--yes", "--dry-run", dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: nothing written");
    expect(result.stdout).toMatch(/conflict \(exists, differs\)\s+Dockerfile/);
    expect(result.stdout).toMatch(/create\s+fraiseql-deploy\.yaml/);
    expect(result.stdout).toMatch(/create\s+deploy\/fraiseql\/server\/Cargo\.toml/);
    expect(await listFiles(dir)).toEqual(["Dockerfile", "schema.json"]);
  });

  it("rejects --force with --skip-existing and unknown flags with exit 2", async () => {
    expect(runCli(["init", "--force", "--skip-existing", "--yes", await tempDir()]).code).toBe(2);
    const unknown = runCli(["init", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });

  it("makes scripts executable", async () => {
    const dir = await appRepo();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    const files = await listFiles(dir);
    for (const script of files.filter((f) => f.endsWith(".sh"))) {
      expect((await stat(path.join(dir, script))).mode & 0o111, script).toBeTruthy();
    }
  });

  it("--help and --version exit 0", () => {
    const help = runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(runCli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("fraiseql-deploy init: bad input exits 2, names what to change, and writes nothing", () => {
  it("a folder argument that is a file", async () => {
    const dir = await appRepo();
    const file = path.join(dir, "notes.txt");
    await writeFile(file, "not a folder\n");
    const result = runCli(["init", "--yes", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${file}: is a file; init writes into a folder`);
    expect(result.stderr).not.toContain("internal error");
    expect(await readFile(file, "utf8")).toBe("not a folder\n");
    expect(await listFiles(dir)).toEqual(["notes.txt", "schema.json"]);
  });

  it.each([
    ["Latin-1 text", Buffer.from("app:\n  description: caf\xe9\n", "latin1")],
    ["UTF-16 with a byte order mark", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("app:\n  name: shop\n", "utf16le")])],
    ["a stray continuation byte", Buffer.from([0x61, 0x70, 0x70, 0x3a, 0x0a, 0x80, 0x0a])],
  ])("an answers file that is not UTF-8 (%s), named", async (_name, bytes) => {
    const dir = await appRepo();
    const config = path.join(dir, "answers.yaml");
    await writeFile(config, bytes);
    const result = runCli(["init", "--yes", "--config", config, dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid answers (${config})`);
    expect(result.stderr).toContain("(file): is not valid UTF-8 text; save it as UTF-8");
    expect(await listFiles(dir)).toEqual(["answers.yaml", "schema.json"]);
  });

  it("a saved fraiseql-deploy.yaml that is not UTF-8, named", async () => {
    const dir = await appRepo();
    await writeFile(path.join(dir, "fraiseql-deploy.yaml"), Buffer.from("app:\n  description: caf\xe9\n", "latin1"));
    const result = runCli(["init", "--yes", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid answers (fraiseql-deploy.yaml)");
    expect(result.stderr).toContain("is not valid UTF-8");
    expect(await listFiles(dir)).toEqual(["fraiseql-deploy.yaml", "schema.json"]);
  });

  it("--config naming a folder", async () => {
    const dir = await appRepo();
    await mkdir(path.join(dir, "answers"));
    const result = runCli(["init", "--yes", "--config", path.join(dir, "answers"), dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is a folder, not an answers file");
    expect(await listFiles(dir)).toEqual(["schema.json"]);
  });

  it.each<[string, string[], string[], RegExp]>([
    ["no schema at all", [], [], /schema\.path: schema\.json does not exist in .*, and the image build copies it \(schema\.source: image\)/],
    ["schema.path elsewhere", ["schema.json"], ["--set", "schema.path=graphql/schema.json"], /schema\.path: graphql\/schema\.json does not exist in /],
    ["a compiled schema expected, only the source present", ["schema.json"], ["--set", "schema.compile=false"], /schema\.path: schema\.compiled\.json does not exist in .*Put the compiled schema \(fraiseql-cli compile\) there/],
  ])("image mode with a missing schema (%s)", async (_name, present, args, message) => {
    const dir = await tempDir();
    for (const file of present) await writeFile(path.join(dir, file), sampleSchemaJson);
    const result = runCli(["init", "--yes", ...args, dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("set schema.source to configmap or secret");
    expect(await listFiles(dir)).toEqual(present);
  });

  it("a schema mounted at run time needs no schema in the repository", async () => {
    const dir = await tempDir();
    const result = runCli(["init", "--yes", "--set", "schema.source=configmap", dir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it.each<[string, string[], string[]]>([
    ["a server version it does not know, listing the known ones", ["server.version=2.18.0"], ["server.version: is not a fraiseql-server version this fraiseql-deploy knows (it knows 2.19.0)"]],
    [
      "Rust below the server's MSRV",
      ["build.rustVersion=1.94.1"],
      ['build.rustVersion: must be at least 1.95.0: fraiseql-server 2.19.0 declares rust-version = "1.95.0" and does not compile with Rust 1.94.1'],
    ],
    ["a feature the server version lacks", ["build.cargoFeatures=metrics,no-such-feature"], ["build.cargoFeatures: names no-such-feature, which fraiseql-server 2.19.0 does not have"]],
  ])("%s", async (_name, sets, messages) => {
    const dir = await appRepo();
    const result = runCli(["init", "--yes", ...sets.flatMap((s) => ["--set", s]), dir]);
    expect(result.code).toBe(2);
    for (const message of messages) expect(result.stderr).toContain(message);
    expect(await listFiles(dir)).toEqual(["schema.json"]);
  });
});

describe("fraiseql-deploy init in a Cargo workspace that holds fraiseql-server", () => {
  it("detects it and builds the workspace package, with no pin files", async () => {
    const dir = await tempDir();
    await writeServerWorkspace(dir, { workspaceVersion: "2.19.0", rustVersion: "1.96.0" });
    await writeFile(path.join(dir, "schema.compiled.json"), "{}\n");
    const result = runCli(["init", "--yes", dir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const saved = yaml.load(await readFile(path.join(dir, "fraiseql-deploy.yaml"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(saved.server).toMatchObject({ source: "workspace", version: "2.19.0" });
    expect(saved.schema).toMatchObject({ source: "image", compile: false, path: "schema.compiled.json" });
    expect(saved.build).toMatchObject({ rustVersion: "1.96.0", cargoPackage: "fraiseql-server" });
    const dockerfile = await readFile(path.join(dir, "Dockerfile"), "utf8");
    expect(dockerfile).toContain("COPY . /src");
    expect(dockerfile).toContain('cargo build --locked --release -p fraiseql-server --target "$TRIPLE" "${features[@]}"');
    expect((await listFiles(dir)).filter((f) => f.startsWith("deploy/fraiseql/server/"))).toEqual([]);
  });
});

describe("init and the record of generated files", () => {
  const VALUES = "deploy/kubernetes/helm/fraiseql/values.yaml";

  it("writes fraiseql-deploy.record.json beside the answers; status finds everything pristine", async () => {
    const dir = await appRepo();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    const record = JSON.parse(await readFile(path.join(dir, "fraiseql-deploy.record.json"), "utf8")) as { files: Record<string, unknown> };
    expect(Object.keys(record.files)).toContain("Dockerfile");
    expect(Object.keys(record.files)).toContain("fraiseql-deploy.yaml");
    expect(Object.keys(record.files)).not.toContain("fraiseql-deploy.record.json");
    const status = runCli(["status", dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/\d+ file\(s\): \d+ pristine\.\nUp to date/);
  });

  it("points to upgrade when a re-run would overwrite edits in a recorded tree (exit 3)", async () => {
    const dir = await appRepo();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    await writeFile(path.join(dir, VALUES), (await readFile(path.join(dir, VALUES), "utf8")).replace("\nreplicaCount: 3\n", "\nreplicaCount: 4\n"));
    const rerun = runCli(["init", dir, "--set", "server.port=8000"]);
    expect(rerun.code).toBe(3);
    expect(rerun.stderr).toContain("`fraiseql-deploy upgrade` merges your edits");
  });

  it("--skip-existing keeps the earlier base of a kept file, so upgrade still brings it the update", async () => {
    const dir = await appRepo();
    expect(runCli(["init", "--yes", dir]).code).toBe(0);
    await writeFile(path.join(dir, VALUES), (await readFile(path.join(dir, VALUES), "utf8")).replace("\nreplicaCount: 3\n", "\nreplicaCount: 4\n"));
    expect(runCli(["init", dir, "--skip-existing", "--set", "server.port=8000"]).code).toBe(0);
    const status = runCli(["status", dir]);
    expect(status.stdout).toMatch(/edited, outdated\s+deploy\/kubernetes\/helm\/fraiseql\/values\.yaml/);
    expect(runCli(["upgrade", dir]).code).toBe(0);
    const values = await readFile(path.join(dir, VALUES), "utf8");
    expect(values).toContain("\nreplicaCount: 4\n");
    expect(values).toContain("  port: 8000");
  });

  it("a file that was the user's before init, kept with --skip-existing, stays untracked", async () => {
    const dir = await appRepo();
    await writeFile(path.join(dir, "Dockerfile"), "FROM mine\n");
    expect(runCli(["init", "--yes", "--skip-existing", dir]).code).toBe(0);
    const status = runCli(["status", dir]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/untracked\s+Dockerfile/);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).toBe("FROM mine\n");
  });
});

describe("init --detect-cluster", () => {
  const standIns = path.join(repoRoot, "test", "stand-ins", "bin");
  const withKubectl = (env: Record<string, string> = {}) => ({ env: { PATH: `${standIns}${path.delimiter}${process.env.PATH ?? ""}`, ...env } });

  it("defaults kubernetes.version to the cluster in the current context (a captured kubectl v1.37.2 answer)", async () => {
    const dir = await appRepo();
    const log = path.join(dir, "kubectl.log");
    const result = runCli(["init", "--yes", "--detect-cluster", dir], withKubectl({ STANDIN_KUBECTL_LOG: log }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("runs Kubernetes 1.37.2: kubernetes.version defaults to 1.37.");
    expect(await readFile(path.join(dir, "fraiseql-deploy.yaml"), "utf8")).toMatch(/^kubernetes:\n {2}version: "1\.37"$/m);
    expect((await readFile(log, "utf8")).trim()).toBe("kubectl version -o json --request-timeout=3s");
  });

  it("keeps the static default when no cluster answers, and never asks without the flag under --yes", async () => {
    const dir = await appRepo();
    const noCluster = runCli(["init", "--yes", "--detect-cluster", dir], withKubectl({ STANDIN_KUBECTL_VERSION_OUTPUT: "/dev/null", STANDIN_KUBECTL_VERSION_EXIT: "1" }));
    expect(noCluster.code, noCluster.stderr).toBe(0);
    expect(noCluster.stdout).toContain("No cluster answered in the current kube context");
    expect(await readFile(path.join(dir, "fraiseql-deploy.yaml"), "utf8")).toMatch(/^kubernetes:\n {2}version: "1\.35"$/m);

    const quiet = await appRepo();
    const log = path.join(quiet, "kubectl.log");
    expect(runCli(["init", "--yes", quiet], withKubectl({ STANDIN_KUBECTL_LOG: log })).code).toBe(0);
    await expect(readFile(log, "utf8")).rejects.toThrow(/ENOENT/);
  });
});

