import { describe, expect, it } from "vitest";
import { targetForServer } from "../../src/answers/cluster-version.js";
import { DEFAULT_KUBERNETES_VERSION, fieldByKey, supportedKubernetesVersions } from "../../src/answers/fields.js";
import { defaultFor } from "../../src/answers/resolve.js";

describe("the cluster's version as the kubernetes.version default", () => {
  it.each([
    ["1.33.4", "1.33"],
    ["1.37.2", "1.37"],
    ["1.40.0", "1.37"],
    ["1.22.17", undefined],
    ["2.0.0", undefined],
    ["garbage", undefined],
  ])("server %s -> %s", (server, target) => {
    expect(targetForServer(server)).toBe(target);
  });

  it("defaults to a release upstream still supports, or to the detected cluster", () => {
    const field = fieldByKey("kubernetes.version");
    if (!field) throw new Error("no kubernetes.version field");
    expect(defaultFor(field, {}, { dirName: "x" })).toBe(DEFAULT_KUBERNETES_VERSION);
    expect(defaultFor(field, {}, { dirName: "x", clusterVersion: "1.33" })).toBe("1.33");
    expect(supportedKubernetesVersions).toContain(DEFAULT_KUBERNETES_VERSION);
    // 1.35 is the oldest minor with upstream support on 2026-12-06 (1.34 reached end of life on 2026-10-28).
    expect(Number(DEFAULT_KUBERNETES_VERSION.split(".")[1])).toBeGreaterThanOrEqual(35);
  });
});
