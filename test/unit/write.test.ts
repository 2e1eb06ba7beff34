import { describe, expect, it } from "vitest";
import { Volume, createFsFromVolume } from "memfs";
import { commitPlan } from "../../src/generate/commit.js";
import type { FileSystem } from "../../src/generate/fs.js";
import { planTree, type Resolution } from "../../src/generate/plan.js";
import type { Tree } from "../../src/generate/tree.js";

function memfs(files: Record<string, string> = {}): { fs: FileSystem; vol: InstanceType<typeof Volume> } {
  const vol = Volume.fromJSON(files);
  return { fs: createFsFromVolume(vol).promises, vol };
}

const tree: Tree = new Map([
  ["Dockerfile", { content: "FROM scratch\n", mode: 0o644 }],
  ["tools/generate-sbom.sh", { content: "#!/usr/bin/env bash\n", mode: 0o755 }],
  ["deploy/kubernetes/service.yaml", { content: "kind: Service\n", mode: 0o644 }],
]);

describe("plan and commit", () => {
  it("writes a fresh tree with file modes and leaves no staging folder", async () => {
    const { fs, vol } = memfs({ "/repo/README.md": "mine" });
    const plan = await planTree(tree, "/repo", fs);
    expect(plan.map((p) => p.status)).toEqual(["create", "create", "create"]);
    const result = await commitPlan(plan, "/repo", fs, { resolutions: new Map() });
    expect(result.written).toHaveLength(3);
    expect(vol.toJSON()).toEqual({
      "/repo/README.md": "mine",
      "/repo/Dockerfile": "FROM scratch\n",
      "/repo/tools/generate-sbom.sh": "#!/usr/bin/env bash\n",
      "/repo/deploy/kubernetes/service.yaml": "kind: Service\n",
    });
    expect(vol.statSync("/repo/tools/generate-sbom.sh").mode & 0o777).toBe(0o755);
  });

  it("treats identical files as unchanged, so a re-run is a no-op", async () => {
    const { fs } = memfs({ "/repo/Dockerfile": "FROM scratch\n" });
    const plan = await planTree(tree, "/repo", fs);
    expect(plan.find((p) => p.path === "Dockerfile")?.status).toBe("identical");
    const result = await commitPlan(plan, "/repo", fs, { resolutions: new Map() });
    expect(result.unchanged).toEqual(["Dockerfile"]);
  });

  it.each<[Resolution | undefined, string]>([
    [undefined, "FROM mine\n"],
    ["skip", "FROM mine\n"],
    ["overwrite", "FROM scratch\n"],
  ])("resolves a conflict with %s", async (resolution, expected) => {
    const { fs, vol } = memfs({ "/repo/Dockerfile": "FROM mine\n" });
    const plan = await planTree(tree, "/repo", fs);
    const conflict = plan.find((p) => p.path === "Dockerfile");
    expect(conflict).toMatchObject({ status: "conflict", existing: "FROM mine\n" });
    const resolutions = new Map<string, Resolution>(resolution ? [["Dockerfile", resolution]] : []);
    await commitPlan(plan, "/repo", fs, { resolutions });
    expect(vol.readFileSync("/repo/Dockerfile", "utf8")).toBe(expected);
  });

  it("leaves the folder untouched when a write fails part-way", async () => {
    const { fs, vol } = memfs({ "/repo/README.md": "mine" });
    let writes = 0;
    const failing: FileSystem = {
      ...fs,
      writeFile: async (p, d, o) => {
        if (++writes === 2) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        return fs.writeFile(p, d, o);
      },
    };
    const plan = await planTree(tree, "/repo", fs);
    await expect(commitPlan(plan, "/repo", failing, { resolutions: new Map() })).rejects.toThrow("ENOSPC");
    expect(vol.toJSON()).toEqual({ "/repo/README.md": "mine" });
  });

  it("leaves nothing behind when interrupted while staging, even in a new folder", async () => {
    const { fs, vol } = memfs({ "/other/file": "x" });
    let checks = 0;
    const plan = await planTree(tree, "/new/repo", fs);
    await expect(
      commitPlan(plan, "/new/repo", fs, {
        resolutions: new Map(),
        checkInterrupted: () => {
          if (++checks === 3) throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    expect(vol.toJSON()).toEqual({ "/other/file": "x" });
  });

  it("refuses to replace a directory with a file", async () => {
    const { fs } = memfs({ "/repo/Dockerfile/inner": "x" });
    const plan = await planTree(tree, "/repo", fs);
    expect(plan.find((p) => p.path === "Dockerfile")?.status).toBe("conflict");
  });

  it("deletes files in the same step as the writes (upgrade --prune), and not at all when a write fails", async () => {
    const { fs, vol } = memfs({ "/repo/old.yaml": "kind: Old\n", "/repo/README.md": "mine" });
    const plan = await planTree(tree, "/repo", fs);
    const result = await commitPlan(plan, "/repo", fs, { resolutions: new Map(), deletions: ["old.yaml"] });
    expect(result.deleted).toEqual(["old.yaml"]);
    expect(Object.keys(vol.toJSON()).sort()).toEqual(["/repo/Dockerfile", "/repo/README.md", "/repo/deploy/kubernetes/service.yaml", "/repo/tools/generate-sbom.sh"]);

    const again = memfs({ "/repo/old.yaml": "kind: Old\n" });
    const failing: FileSystem = { ...again.fs, writeFile: async () => Promise.reject(Object.assign(new Error("EIO"), { code: "EIO" })) };
    await expect(commitPlan(await planTree(tree, "/repo", again.fs), "/repo", failing, { resolutions: new Map(), deletions: ["old.yaml"] })).rejects.toThrow("EIO");
    expect(again.vol.toJSON()).toEqual({ "/repo/old.yaml": "kind: Old\n" });
  });
});
