import { describe, expect, it } from "vitest";
import { composeConfigArgs, parseComposeConfig, placeholderEnvironment, requiredComposeVariables } from "../../../src/tools/docker-compose.js";
import { captured, capturedExit } from "../../stand-ins/outputs.js";

describe("docker compose argv", () => {
  it("validates one file quietly, with every profile", () => {
    expect(composeConfigArgs({ file: "docker-compose.prod.yml", profiles: ["*"] })).toEqual(["--file", "docker-compose.prod.yml", "--profile", "*", "config", "--quiet"]);
    expect(composeConfigArgs({ file: "a.yml", projectDirectory: "/r" })).toEqual(["--file", "a.yml", "--project-directory", "/r", "config", "--quiet"]);
  });

  it("finds the variables a file requires and gives them placeholders", () => {
    const text = "x: ${DATABASE_URL:?set DATABASE_URL}\ny: ${TOKEN?need it}\nz: ${OPTIONAL:-x} $${ESCAPED:?no} ${DATABASE_URL:?again}\nw: ${OTEL_URL:?}";
    const names = requiredComposeVariables(text);
    expect(names).toEqual(["DATABASE_URL", "TOKEN", "OTEL_URL"]);
    expect(placeholderEnvironment(names)).toEqual({ DATABASE_URL: "postgres://verify:verify@localhost:5432/verify", TOKEN: "verify-placeholder", OTEL_URL: "http://localhost:1/verify" });
  });
});

describe("parseComposeConfig (captured docker compose v5.0.2 config -q, stderr)", () => {
  const parse = (name: string, file = "docker-compose.yml") => parseComposeConfig(captured("docker-compose", `config-${name}.txt.stderr`), capturedExit("docker-compose", `config-${name}.txt`), "compose-config", file);

  it.each([
    ["bad", "error", "services.web additional properties 'bogus' not allowed", undefined],
    ["prod", "error", "error while interpolating services.web.environment.DATABASE_URL: required variable DATABASE_URL is missing a value: set DATABASE_URL", undefined],
    ["broken", "error", "yaml: line 3: did not find expected node content", 3],
    ["dep", "error", 'service "web" depends on undefined service "db": invalid compose project', undefined],
    ["version", "warning", "the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion", undefined],
  ])("%s -> %s", (name, severity, message, line) => {
    const findings = parse(name);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ checkId: "compose-config", file: "docker-compose.yml", rule: "compose-config", severity, message });
    expect(findings[0]?.line).toBe(line);
  });

  it("the fix names what to change", () => {
    expect(parse("version")[0]?.fix).toBe("delete the top-level version: key");
    expect(parse("prod")[0]?.fix).toMatch(/set the variable/);
  });

  it("a passing run has no findings; a failing run without a message still fails", () => {
    expect(parseComposeConfig("", capturedExit("docker-compose", "config-prod-with-env.txt"), "c", "f")).toEqual([]);
    expect(parseComposeConfig("", 15, "c", "f")).toEqual([{ checkId: "c", file: "f", rule: "compose-config", severity: "error", message: "docker compose config exited 15 without a message" }]);
  });

  it("ignores info-level log lines", () => {
    expect(parseComposeConfig('time="x" level=info msg="hello"\n', 0, "c", "f")).toEqual([]);
  });
});
