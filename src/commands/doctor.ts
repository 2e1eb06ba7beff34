import { UsageError } from "../errors.js";

export async function runDoctor(): Promise<number> {
  throw new UsageError("doctor is not available in this build yet");
}
