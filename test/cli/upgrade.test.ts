/**
 * status, diff and upgrade on repositories written by "the previous release" (the frozen templates in
 * test/fixtures/previous-release), through the built CLI as a user runs them.
 */
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectProject } from "../../src/answers/detect.js";
import type { PartialAnswers } from "../../src/answers/fields.js";
import { resolveAnswers } from "../../src/answers/resolve.js";
import { runUpgrade, type UpgradeEnvironment } from "../../src/commands/upgrade.js";
import { nodeFileSystem } from "../../src/generate/node-fs.js";
import { RECORD_FILE } from "../../src/record/record.js";
import type { Prompter } from "../../src/ui/prompter.js";
import { appRepo, runCli } from "../helpers.js";
import { changedBetween, generated, snapshot, writeFiles } from "../upgrade-helpers.js";

const VALUES = "deploy/kubernetes/helm/fraiseql/values.yaml";
const DOCKERFILE = "Dockerfile";
const RUNBOOKS = "docs/DEPLOYMENT_RUNBOOKS.md";
const GUIDE = "docs/DEPLOYMENT.md";

/** A repository as the previous release's `init` left it, and the trees both releases generate for its answers. */
/** Named, so that a fresh init in another folder gets the same answers. */
const named: PartialAnswers = { "app.name": "acme-api", "app.namespace": "acme" };

async function previousRepo(given: PartialAnswers = {}) {
  const dir = await appRepo("fd-upgrade-");
  const answers = resolveAnswers({ ...named, ...given }, await detectProject(dir), "test");
  const before = await generated(answers, "previous");
  await writeFiles(dir, before);
  return { dir, before, answers };
}

/** What the current release's `init` writes for these answers in a fresh folder. */
async function freshInit(given: PartialAnswers) {
  const dir = await appRepo("fd-fresh-");
  const sets = Object.entries({ ...named, ...given }).map(([k, v]) => `--set=${k}=${String(v)}`);
  expect(runCli(["init", dir, "--yes", ...sets]).code).toBe(0);
  return snapshot(dir);
}

const read = (dir: string, file: string): Promise<string> => readFile(path.join(dir, file), "utf8");

async function edit(dir: string, file: string, from: string, to: string): Promise<void> {
  const text = await read(dir, file);
  expect(text, `${file} holds ${from}`).toContain(from);
  await writeFile(path.join(dir, file), text.replace(from, to));
}

function scripted(replies: string[]): { prompter: Prompter; asked: string[] } {
  const asked: string[] = [];
  const next = (message: string): string => {
    asked.push(message);
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`unexpected question: ${message}`);
    return reply;
  };
  return {
    asked,
    prompter: {
      input: async (o) => next(o.message),
      confirm: async (o) => next(o.message) === "yes",
      select: async <T extends string>(o: { message: string }) => next(o.message) as T,
      checkbox: async () => [],
    },
  };
}

function terminal(prompter: Prompter): UpgradeEnvironment & { lines: string[] } {
  const lines: string[] = [];
  return { fs: nodeFileSystem, prompter, interactive: true, color: false, out: (line) => lines.push(line), lines };
}

describe("upgrade from the previous release", () => {
  it("keeps an edited value while a changed answer and the new templates come in, then has nothing left to do", async () => {
    const { dir, before } = await previousRepo();
    const current = await generated(resolveAnswers(named, await detectProject(dir), "test"), "current");
    expect(changedBetween(before, current), "the frozen release differs from today's in values.yaml").toContain(VALUES);
    await edit(dir, VALUES, 'cpu: "250m"', 'cpu: "750m"');
    // The answer changed in the answers file by hand (the comments test below uses --set).
    await edit(dir, "fraiseql-deploy.yaml", "  port: 8815\n", "  port: 8000\n");

    const status = runCli(["status", dir]);
    expect(status.code, status.stdout).toBe(1);
    expect(status.stdout).toContain("Answer changed: server.port: 8815 -> 8000");
    expect(status.stdout).toMatch(/edited, outdated\s+deploy\/kubernetes\/helm\/fraiseql\/values\.yaml/);
    expect(status.stdout).toMatch(/outdated\s+Dockerfile/);
    expect(status.stdout).toContain("The templates changed since.");

    const upgrade = runCli(["upgrade", dir]);
    expect(upgrade.code, upgrade.stdout + upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/merged\s+deploy\/kubernetes\/helm\/fraiseql\/values\.yaml/);

    // Byte for byte what today's init writes for port 8000, plus the user's one edit.
    const fresh = await freshInit({ "server.port": 8000 });
    const after = await snapshot(dir);
    expect([...after.keys()]).toEqual([...fresh.keys()]);
    for (const [file, text] of fresh) {
      expect(after.get(file), file).toBe(file === VALUES ? text.replace('cpu: "250m"', 'cpu: "750m"') : text);
    }

    const again = runCli(["status", dir]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/edited\s+deploy\/kubernetes\/helm\/fraiseql\/values\.yaml/);
    expect(again.stdout).not.toContain("Answer changed");
    const second = runCli(["upgrade", dir]);
    expect(second.stdout).toContain("0 file(s) written");
    expect(await snapshot(dir)).toEqual(after);
  });

  it("leaves a deleted file deleted until --restore, and never touches a hand-added manifest", async () => {
    const { dir } = await previousRepo();
    await rm(path.join(dir, RUNBOOKS));
    const extra = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n";
    await writeFile(path.join(dir, "deploy/kubernetes/extra.yaml"), extra);

    const status = runCli(["status", dir]);
    expect(status.stdout).toMatch(/deleted\s+docs\/DEPLOYMENT_RUNBOOKS\.md/);
    expect(status.stdout).not.toContain("extra.yaml");

    const upgrade = runCli(["upgrade", dir]);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/not restored\s+docs\/DEPLOYMENT_RUNBOOKS\.md/);
    await expect(read(dir, RUNBOOKS)).rejects.toThrow(/ENOENT/);
    expect(await read(dir, "deploy/kubernetes/extra.yaml")).toBe(extra);
    expect(runCli(["status", dir]).code).toBe(0);

    expect(runCli(["upgrade", dir, "--restore"]).code).toBe(0);
    const fresh = await freshInit({});
    expect(await read(dir, RUNBOOKS)).toBe(fresh.get(RUNBOOKS));
  });

  it("ends an edit that overlaps a template change in visible conflict markers, exit 4, until resolved", async () => {
    const { dir } = await previousRepo();
    const header = (await read(dir, DOCKERFILE)).split("\n").find((line) => line.startsWith("# Generated by"));
    expect(header).toBeDefined();
    await edit(dir, DOCKERFILE, header as string, "# Ours: hand-tuned, see the platform wiki.");

    const upgrade = runCli(["upgrade", dir]);
    expect(upgrade.code, upgrade.stdout + upgrade.stderr).toBe(4);
    expect(upgrade.stdout).toMatch(/CONFLICT\s+Dockerfile\s+\(1 overlapping change/);
    const merged = await read(dir, DOCKERFILE);
    expect(merged).toContain("<<<<<<< yours (on disk)\n# Ours: hand-tuned, see the platform wiki.\n||||||| generated before\n");
    expect(merged).toContain("=======\n# Generated by fraiseql-deploy from fraiseql-deploy.yaml. Edit it freely");
    expect(merged).toContain(">>>>>>> generated now\n");

    const status = runCli(["status", dir, "--format", "json"]);
    expect(status.code).toBe(1);
    const report = JSON.parse(status.stdout) as { drift: boolean; files: { path: string; state: string }[] };
    expect(report.files.find((f) => f.path === DOCKERFILE)?.state).toBe("conflicted");
    expect(runCli(["upgrade", dir]).code, "markers still there").toBe(4);

    // Resolved by keeping our line: an ordinary edit from then on.
    const resolved = merged.replace(/<<<<<<< yours \(on disk\)\n(.*)\n\|\|\|\|\|\|\| generated before\n[^]*?>>>>>>> generated now\n/, "$1\n");
    await writeFile(path.join(dir, DOCKERFILE), resolved);
    const after = runCli(["status", dir]);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/edited\s+Dockerfile/);
  });

  it.each([
    ["theirs", (text: string, fresh: string) => expect(text).toBe(fresh)],
    ["mine", (text: string) => expect(text).toContain("# Ours: hand-tuned")],
  ] as const)("asks on a terminal; %s settles the conflict", async (choice, check) => {
    const { dir } = await previousRepo();
    const header = (await read(dir, DOCKERFILE)).split("\n").find((line) => line.startsWith("# Generated by")) as string;
    await edit(dir, DOCKERFILE, header, "# Ours: hand-tuned, see the platform wiki.");
    const { prompter, asked } = scripted(["diff", choice]);
    const env = terminal(prompter);
    expect(await runUpgrade(dir, {}, env)).toBe(0);
    expect(asked[0]).toMatch(/^Dockerfile: your edits and the new version change the same lines/);
    expect(env.lines.join("\n")).toContain("+++ Dockerfile (merged)");
    check(await read(dir, DOCKERFILE), (await freshInit({})).get(DOCKERFILE) as string);
    const status = runCli(["status", dir]);
    expect(status.code, status.stdout).toBe(0);
  });

  it("keeps the line endings the user changed, and does not count them as an edit", async () => {
    const { dir } = await previousRepo();
    await writeFile(path.join(dir, GUIDE), (await read(dir, GUIDE)).replaceAll("\n", "\r\n"));
    expect(runCli(["status", dir]).stdout).toMatch(/outdated\s+docs\/DEPLOYMENT\.md\s+\(upgrade replaces it; CRLF line endings \(kept\)\)/);
    expect(runCli(["upgrade", dir]).code).toBe(0);
    const fresh = await freshInit({});
    expect(await read(dir, GUIDE)).toBe((fresh.get(GUIDE) as string).replaceAll("\n", "\r\n"));
    expect(runCli(["status", dir, "--all"]).stdout).toMatch(/pristine\s+docs\/DEPLOYMENT\.md\s+\(CRLF line endings \(kept\)\)/);
  });

  it("writes nothing when a merged file fails the checks init runs", async () => {
    const { dir } = await previousRepo();
    // A second top-level replicaCount: fine to a line merge, a duplicate key to YAML.
    await appendFile(path.join(dir, VALUES), "replicaCount: 5\n");
    const before = await snapshot(dir);
    const upgrade = runCli(["upgrade", dir]);
    expect(upgrade.code).toBe(3);
    expect(upgrade.stderr).toMatch(/merged files failed the checks[^]*nothing was written/);
    expect(upgrade.stderr).toMatch(/deploy\/kubernetes\/helm\/fraiseql\/values\.yaml: does not parse: duplicated mapping key/);
    expect(await snapshot(dir)).toEqual(before);
  });

  it("reports a file no longer generated, keeps it, and deletes it with --prune only if unchanged", async () => {
    const { dir } = await previousRepo({ "kubernetes.version": "1.24" });
    const psp = "deploy/kubernetes/pod-security-policy.yaml";
    expect(await read(dir, psp)).toContain("PodSecurityPolicy");
    const upgrade = runCli(["upgrade", dir, "--set", "kubernetes.version=1.33"]);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/kept\s+deploy\/kubernetes\/pod-security-policy\.yaml\s+\(no longer generated/);
    const status = runCli(["status", dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/obsolete\s+deploy\/kubernetes\/pod-security-policy\.yaml/);

    await appendFile(path.join(dir, psp), "# ours\n");
    expect(runCli(["upgrade", dir, "--prune"]).stdout).toMatch(/kept\s+deploy\/kubernetes\/pod-security-policy\.yaml/);
    await writeFile(path.join(dir, psp), (await read(dir, psp)).replace("# ours\n", ""));
    const prune = runCli(["upgrade", dir, "--prune"]);
    expect(prune.stdout).toMatch(/1 deleted[^]*deleted\s+deploy\/kubernetes\/pod-security-policy\.yaml/);
    await expect(read(dir, psp)).rejects.toThrow(/ENOENT/);
    expect(runCli(["status", dir]).stdout).not.toContain("pod-security-policy");
  });

  it("--dry-run and diff show the plan and write nothing", async () => {
    const { dir } = await previousRepo();
    await edit(dir, VALUES, 'cpu: "250m"', 'cpu: "750m"');
    const before = await snapshot(dir);
    const dry = runCli(["upgrade", dir, "--dry-run", "--set", "server.port=8000"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: nothing written/);
    expect(dry.stdout).toMatch(/merged\s+deploy\/kubernetes\/helm\/fraiseql\/values\.yaml/);
    const diff = runCli(["diff", "--dir", dir, "--set", "server.port=8000", path.join(dir, VALUES)]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^--- a\/deploy\/kubernetes\/helm\/fraiseql\/values\.yaml\n\+\+\+ b\/deploy\/kubernetes\/helm\/fraiseql\/values\.yaml\n@@/);
    expect(diff.stdout).toContain("-  port: 8815\n+  port: 8000\n");
    expect(diff.stdout).not.toContain('cpu: "250m"');
    expect(diff.stdout).not.toContain("\u001b[");
    const colored = runCli(["diff", "--dir", dir, path.join(dir, DOCKERFILE)], { env: { FORCE_COLOR: "1" } });
    expect(colored.stdout).toContain("\u001b[31m-");
    const unknown = runCli(["diff", "--dir", dir, "nope.yaml"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not files fraiseql-deploy generates[^]*nope\.yaml/);
    expect(await snapshot(dir)).toEqual(before);
  });

  it("carries comments in fraiseql-deploy.yaml over a changed answer", async () => {
    const { dir } = await previousRepo();
    await edit(dir, "fraiseql-deploy.yaml", "\nserver:\n", "\n# Port agreed with the platform team.\nserver:\n");
    expect(runCli(["upgrade", dir, "--set", "server.port=8000"]).code).toBe(0);
    const answers = await read(dir, "fraiseql-deploy.yaml");
    expect(answers).toContain("# Port agreed with the platform team.\nserver:\n");
    expect(answers).toContain("  port: 8000\n");
  });

  it("treats a tree without a record (written before records) as untracked where it differs, and says so", async () => {
    const { dir, before, answers } = await previousRepo();
    const current = await generated(answers, "current");
    const same = [...current.keys()].find((file) => file !== RECORD_FILE && before.get(file)?.content === current.get(file)?.content) as string;
    expect(same, "some file is the same in both releases").toBeDefined();
    await rm(path.join(dir, RECORD_FILE));
    const status = runCli(["status", dir]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("No record (fraiseql-deploy.record.json)");
    expect(status.stdout).toMatch(/untracked\s+Dockerfile/);
    const upgrade = runCli(["upgrade", dir]);
    expect(upgrade.code).toBe(4);
    expect(upgrade.stdout).toMatch(/untracked\s+Dockerfile\s+\(kept yours/);
    // Files that already match are recorded; the rest wait for a decision.
    const record = JSON.parse(await read(dir, RECORD_FILE)) as { files: Record<string, unknown> };
    expect(Object.keys(record.files)).not.toContain(DOCKERFILE);
    expect(Object.keys(record.files)).toContain(same);
  });

  it("refuses a damaged record by name, exit 2", async () => {
    const { dir } = await previousRepo();
    await writeFile(path.join(dir, RECORD_FILE), "{ not json");
    for (const command of [["status", dir], ["upgrade", dir], ["diff", "--dir", dir]]) {
      const result = runCli(command);
      expect(result.code, command.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/fraiseql-deploy\.record\.json: is not valid JSON/);
    }
  });

  it("refuses a generated file that is not UTF-8 (merging it would lose bytes) and a folder where a file belongs, exit 2", async () => {
    const { dir } = await previousRepo();
    await writeFile(path.join(dir, GUIDE), Buffer.from([0x23, 0x20, 0xe9, 0x0a]));
    const latin1 = runCli(["upgrade", dir]);
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toContain("docs/DEPLOYMENT.md: is not UTF-8 text");
    await rm(path.join(dir, GUIDE));
    await mkdir(path.join(dir, GUIDE));
    const folder = runCli(["status", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("docs/DEPLOYMENT.md: is a folder, where fraiseql-deploy keeps a file");
  });

  it("refuses a folder that was never initialised, exit 2", async () => {
    const dir = await appRepo("fd-empty-");
    const result = runCli(["status", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/fraiseql-deploy\.yaml not found: .*run `fraiseql-deploy init` first/);
  });
});
