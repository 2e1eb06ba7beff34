/**
 * Plain output to stdout and stderr, written straight to the file descriptors.
 * Touching process.stdout creates a stream and loads Node's stream modules,
 * ~3 ms of a start-up that `--help` must keep within 1.5x of a bare `node`;
 * most runs print a few lines and exit. Long output that would block falls back
 * to the stream. A reader that stops early (`| head`) ends the run quietly.
 */
import { fstatSync, statSync, writeSync } from "node:fs";

type Fd = 1 | 2;

const stream = (fd: Fd): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);

function write(fd: Fd, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EAGAIN") stream(fd).write(buffer.subarray(offset));
    else if (code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    else throw error;
  }
}

export const writeOut = (text: string): void => write(1, text);
export const writeErr = (text: string): void => write(2, text);

/**
 * Whether a descriptor is a terminal, without creating its stream: a character device other
 * than /dev/null. (Windows has no /dev/null to compare with: ask the stream there.)
 */
export function isTerminal(fd: Fd): boolean {
  if (process.platform === "win32") return stream(fd).isTTY === true;
  try {
    const stat = fstatSync(fd);
    return stat.isCharacterDevice() && stat.rdev !== statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}
