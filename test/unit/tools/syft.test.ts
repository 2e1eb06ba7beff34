import { describe, expect, it } from "vitest";
import { checkCycloneDxJson, checkSpdxJson, sbomFindings, syftArgs } from "../../../src/tools/syft.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("syft argv", () => {
  it("scans a directory into SPDX and CycloneDX files", () => {
    expect(
      syftArgs({
        source: "dir:/repo",
        outputs: [
          { format: "spdx-json", file: "/s/sbom.spdx.json" },
          { format: "cyclonedx-json", file: "/s/sbom.cdx.json" },
        ],
        exclude: ["./target/**"],
      }),
    ).toEqual(["scan", "dir:/repo", "--quiet", "--output", "spdx-json=/s/sbom.spdx.json", "--output", "cyclonedx-json=/s/sbom.cdx.json", "--exclude", "./target/**"]);
  });
});

describe("SBOM checks (captured syft 1.57.1 on a Cargo.lock)", () => {
  const spdx = captured("syft", "sbom.spdx.json");
  const cdx = captured("syft", "sbom.cdx.json");

  it("counts the crates, not the scanned folder or the lock file", () => {
    expect(capturedExit("syft", "scan.txt")).toBe(0);
    expect(checkSpdxJson(spdx)).toEqual({ problems: [], packages: 3 });
    expect(checkCycloneDxJson(cdx)).toEqual({ problems: [], packages: 3 });
    expect(sbomFindings("sbom", { name: "a.spdx.json", text: spdx }, { name: "a.cdx.json", text: cdx })).toEqual([]);
  });

  it.each([
    [undefined, "was not written"],
    ["{", "is not valid JSON"],
    ["[]", "is not a JSON object"],
    ['{"packages": []}', "has no spdxVersion"],
  ])("SPDX %j -> %s", (text, problem) => {
    expect(checkSpdxJson(text).problems[0]).toContain(problem);
  });

  it("missing or wrong documents are errors; an SBOM without packages is a warning", () => {
    const findings = sbomFindings("sbom", { name: "sbom.spdx.json", text: undefined }, { name: "sbom.cdx.json", text: spdx });
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ["error", "the SPDX SBOM sbom.spdx.json was not written"],
      ["error", 'the CycloneDX SBOM sbom.cdx.json has no bomFormat "CycloneDX"'],
      ["error", "the CycloneDX SBOM sbom.cdx.json has no specVersion"],
    ]);
    const empty = sbomFindings(
      "sbom",
      { name: "s", text: JSON.stringify({ spdxVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", packages: [{ SPDXID: "SPDXRef-DocumentRoot-Directory-x" }] }) },
      { name: "c", text: JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components: [] }) },
    );
    expect(empty).toMatchObject([{ rule: "sbom-empty", severity: "warning" }]);
  });
});
