/**
 * docker compose `config -q`: loads, interpolates and validates a compose file
 * against the compose specification; problems go to stderr, one per line.
 */
import type { Finding } from "../checks/types.js";

export interface ComposeConfigOptions {
  file: string;
  projectDirectory?: string;
  /** Profiles to enable; "*" enables every profile so profile-gated services are validated too. */
  profiles?: readonly string[];
}

export function composeConfigArgs(options: ComposeConfigOptions): string[] {
  return [
    "--file",
    options.file,
    ...(options.projectDirectory ? ["--project-directory", options.projectDirectory] : []),
    ...(options.profiles ?? []).flatMap((p) => ["--profile", p]),
    "config",
    "--quiet",
  ];
}

/** Variables a compose file requires (`${NAME:?message}` or `${NAME?message}`), in order of appearance. */
export function requiredComposeVariables(text: string): string[] {
  const names = [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1] ?? "");
  return [...new Set(names)];
}

/** Placeholder values that satisfy the `:?` checks; DATABASE_URL gets a well-formed URL. */
export function placeholderEnvironment(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [name, name === "DATABASE_URL" ? "postgres://verify:verify@localhost:5432/verify" : /URL$/.test(name) ? "http://localhost:1/verify" : "verify-placeholder"]),
  );
}

function unquote(value: string): string {
  return value.replace(/\\"/g, '"').replace(/\\\\/g, "\\");
}

function composeFix(message: string): string | undefined {
  if (/the attribute `version` is obsolete/.test(message)) return "delete the top-level version: key";
  if (/required variable (\w+) is missing a value/.test(message)) return "set the variable in the environment or in .env before starting compose";
  if (/additional propert(y|ies) .* not allowed/.test(message)) return "remove the key or fix its spelling/indentation (compose specification)";
  if (/depends on undefined service/.test(message)) return "define the service, or mark the dependency `required: false` if it is behind a profile";
  if (/env file .* not found/.test(message)) return "create the file, or declare it `env_file: [{path: ..., required: false}]`";
  return undefined;
}

/**
 * Parses `docker compose config -q` stderr for one file. Logrus lines
 * (`level=warning msg="..."`) keep their level; any other line is an error
 * when compose failed. Absolute paths of the file are reduced to `file`.
 */
export function parseComposeConfig(stderr: string, exitCode: number, checkId: string, file: string): Finding[] {
  const findings: Finding[] = [];
  for (const raw of stderr.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const logrus = /\blevel=(\w+)\s+msg="((?:[^"\\]|\\.)*)"/.exec(line);
    let severity: "error" | "warning";
    let message: string;
    if (logrus) {
      const level = logrus[1] ?? "info";
      if (level !== "warning" && level !== "error" && level !== "fatal") continue;
      severity = level === "warning" ? "warning" : "error";
      message = unquote(logrus[2] ?? "");
    } else {
      if (exitCode === 0) continue;
      severity = "error";
      message = line;
    }
    message = message.replace(/^(validating )?\S*?([^/\s]+\.ya?ml): /, "$1").replace(/^validating /, "");
    const yamlLine = /yaml: line (\d+):/.exec(message)?.[1];
    const fix = composeFix(message);
    findings.push({
      checkId,
      file,
      ...(yamlLine ? { line: Number(yamlLine) } : {}),
      rule: "compose-config",
      severity,
      message,
      ...(fix ? { fix } : {}),
    });
  }
  if (exitCode !== 0 && !findings.some((f) => f.severity === "error")) {
    findings.push({ checkId, file, rule: "compose-config", severity: "error", message: `docker compose config exited ${String(exitCode)} without a message` });
  }
  return findings;
}
