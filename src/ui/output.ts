/**
 * Plain output to stdout and stderr, written straight to the file descriptors.
 * Touching process.stdout creates a stream and loads Node's stream modules,
 * ~3 ms of a start-up that `--help` must keep within 1.5x of a bare `node`;
 * most runs print a few lines and exit. Output that would block goes through the
 * stream from then on (keeping its order). When the reader stops early (`| head`)
 * the rest of the output is dropped quietly; the run and its exit code go on.
 */
import { fs } from "../builtins.js";

type Fd = 1 | 2;

const stream = (fd: Fd): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);

/** Descriptors whose output now goes through the stream, and those whose reader has gone. */
const throughStream = new Set<Fd>();
const closed = new Set<Fd>();

function write(fd: Fd, text: string): void {
  if (closed.has(fd)) return;
  if (throughStream.has(fd)) {
    stream(fd).write(text);
    return;
  }
  const buffer = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EAGAIN") {
      throughStream.add(fd);
      stream(fd).write(buffer.subarray(offset));
    } else if (code === "EPIPE") closed.add(fd);
    else throw error;
  }
}

export const writeOut = (text: string): void => write(1, text);
export const writeErr = (text: string): void => write(2, text);

/**
 * Whether a descriptor is a terminal, without creating its stream: a character device other
 * than /dev/null. (Windows has no /dev/null to compare with: ask the stream there.)
 */
export function isTerminal(fd: 0 | Fd): boolean {
  if (process.platform === "win32") return (fd === 0 ? process.stdin : stream(fd)).isTTY === true;
  try {
    const stat = fs.fstatSync(fd);
    return stat.isCharacterDevice() && stat.rdev !== fs.statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

/** Color on a terminal, unless NO_COLOR is set; FORCE_COLOR (other than 0) turns it on anywhere. */
export function useColor(fd: Fd): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  return isTerminal(fd);
}

let streamsCreated = false;

/**
 * Notes whether anything (a prompt, a spinner, a library, a fallback above) creates
 * process.stdout or process.stderr, so that exitNow knows whether there is anything to flush.
 */
export function watchStreams(): void {
  for (const name of ["stdout", "stderr"] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    const get = descriptor?.get?.bind(process);
    if (!descriptor?.configurable || !get) {
      streamsCreated = true;
      return;
    }
    Object.defineProperty(process, name, {
      ...descriptor,
      get() {
        streamsCreated = true;
        return get() as NodeJS.WriteStream;
      },
    });
  }
}

/**
 * Ends the run once all output is written, without waiting for Node to tear down the heap
 * (~5-8 ms, a tenth of `init`). Our own output is synchronous; streams are flushed first.
 * Only for the very end of the CLI, when every piece of work has been awaited.
 */
export async function exitNow(code: number): Promise<never> {
  if (streamsCreated) {
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write("", () => resolve()))));
  }
  process.exit(code);
}
