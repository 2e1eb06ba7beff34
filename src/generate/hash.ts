/** SHA-256 digests, from node:crypto: the config checksum annotation and the record of generated files. */
import { createHash } from "node:crypto";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
