import { UsageError } from "../errors.js";

export async function runBuild(_dir: string, _options: Record<string, unknown>): Promise<number> {
  throw new UsageError("build is not available in this build yet");
}
