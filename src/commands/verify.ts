import { UsageError } from "../errors.js";

export async function runVerify(_dir: string, _options: Record<string, unknown>): Promise<number> {
  throw new UsageError("verify is not available in this build yet");
}
