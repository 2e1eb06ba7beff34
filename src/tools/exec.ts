/**
 * The one place that starts external processes. execa is imported lazily so
 * commands that never run a tool do not pay for it.
 */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The process could not be started at all (ENOENT, EACCES). */
  failedToStart?: string;
}

export interface ExecOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Stream output to the terminal as well as capturing it (builds). */
  stream?: boolean;
}

export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export const exec: Exec = async (file, args, options = {}) => {
  const { execa } = await import("execa");
  const result = await execa(file, [...args], {
    cwd: options.cwd,
    input: options.input,
    env: { ...options.env },
    extendEnv: true,
    reject: false,
    timeout: options.timeoutMs ?? 600_000,
    stripFinalNewline: false,
    ...(options.stream ? { stdout: ["pipe", "inherit"], stderr: ["pipe", "inherit"] } : {}),
  });
  const failedToStart = result.failed && result.exitCode === undefined ? (result.shortMessage ?? "failed to start") : undefined;
  return {
    exitCode: result.exitCode ?? -1,
    stdout: typeof result.stdout === "string" ? result.stdout : "",
    stderr: typeof result.stderr === "string" ? result.stderr : "",
    ...(failedToStart ? { failedToStart } : {}),
  };
};
