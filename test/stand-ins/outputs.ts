/** Paths of the stand-in tools and the captured real-tool outputs they replay (see capture.sh). */
import { readFileSync } from "node:fs";
import path from "node:path";

export const standInsDir = import.meta.dirname;
export const standInBin = path.join(standInsDir, "bin");
export const outputsDir = path.join(standInsDir, "outputs");

/** Absolute path of a captured output, e.g. outputFile("kubeconform", "invalid.json"). */
export function outputFile(tool: string, name: string): string {
  return path.join(outputsDir, tool, name);
}

/** A captured output's text. */
export function captured(tool: string, name: string): string {
  return readFileSync(outputFile(tool, name), "utf8");
}

/** The exit status the real tool had for a captured output. */
export function capturedExit(tool: string, name: string): number {
  return Number(captured(tool, `${name}.exit`).trim());
}
