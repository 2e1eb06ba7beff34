/**
 * Drives the real wizard through a pseudo-terminal (util-linux `script`), the
 * way a person would: answer when a question appears.
 */
import { describe, expect, it } from "vitest";
import { execSync, spawn } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { appRepo, cliPath, repoRoot, tempDir, toolsRequired } from "../helpers.js";

const hasScript = (() => {
  try {
    execSync("script --version", { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

if (!hasScript) console.warn("wizard-tty: util-linux `script` is not installed; the pseudo-terminal wizard tests are skipped");

interface Step {
  when: string;
  send: string;
}

/** Runs init (or the command in `argv`) in a pty, sending each step's keys once its prompt text has appeared. */
function drive(dir: string, steps: Step[], argv: string[] = ["init", dir]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("script", ["-qec", [process.execPath, cliPath, ...argv].map((w) => `'${w}'`).join(" "), "/dev/null"], {
      cwd: repoRoot,
      env: { ...process.env, TERM: "xterm", COLUMNS: "200" },
    });
    let output = "";
    let next = 0;
    let seenUpTo = 0;
    let idle: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
      while (next < steps.length) {
        const step = steps[next] as Step;
        const at = plain.indexOf(step.when, seenUpTo);
        if (at < 0) break;
        seenUpTo = at + step.when.length;
        next++;
        child.stdin.write(step.send);
      }
      // Every question without a scripted step gets its default: when the output has been quiet for
      // a moment and the next step's text has not appeared, the wizard is waiting for a key.
      clearTimeout(idle);
      idle = setTimeout(() => child.stdin.write("\r"), 400);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(idle);
      resolve({ code, output });
    });
  });
}


describe.runIf(hasScript || toolsRequired)("wizard in a real terminal", () => {
  it("asks, validates a bad reply, and writes the answers it was given", async () => {
    const dir = await appRepo();
    const { code, output } = await drive(dir, [
      { when: "Show the advanced questions", send: "\r" },
      { when: "Application name", send: "\x15Bad Name\r" },
      { when: "must be a DNS-1123 label", send: "\x15\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fshop-api\r" },
    ]);
    expect(output).toContain("must be a DNS-1123 label");
    expect(code).toBe(0);
    const answers = await readFile(path.join(dir, "fraiseql-deploy.yaml"), "utf8");
    expect(answers).toContain("name: shop-api");
    // schema.json in the folder: the wizard offers to compile it in the image, and the default is yes.
    expect(output).toContain("Compile the schema in the image build");
    expect(answers).toMatch(/^schema:\n {2}source: image\n {2}compile: true\n {2}path: schema\.json$/m);
  }, 90_000);

  it("asks per existing file: shows the diff, then overwrites on request", async () => {
    const dir = await appRepo();
    const first = await drive(dir, [{ when: "Show the advanced questions", send: "\r" }]);
    expect(first.code).toBe(0);
    await writeFile(path.join(dir, "Dockerfile"), "FROM my-own-image\n");
    const { code, output } = await drive(dir, [
      { when: "Dockerfile exists and differs", send: "\x1b[B\x1b[B\r" },
      { when: "+++ Dockerfile (generated)", send: "" },
      { when: "Dockerfile exists and differs", send: "\x1b[B\r" },
    ]);
    expect(output).toContain("-FROM my-own-image");
    expect(code).toBe(0);
    expect(await readFile(path.join(dir, "Dockerfile"), "utf8")).toContain("ENTRYPOINT");
  }, 120_000);

  it("Ctrl-C at a question exits 130 and writes nothing", async () => {
    const dir = await tempDir();
    const { code } = await drive(dir, [
      { when: "Show the advanced questions", send: "\r" },
      { when: "Application name", send: "\x03" },
    ]);
    expect(code).toBe(130);
    expect(await readdir(dir)).toEqual([]);
  }, 90_000);

  it("upgrade asks about an overlapping edit on a terminal: shows the merge, then takes the new version", async () => {
    const dir = await appRepo();
    expect((await drive(dir, [{ when: "Show the advanced questions", send: "\r" }])).code).toBe(0);
    const dockerfile = path.join(dir, "Dockerfile");
    const generated = await readFile(dockerfile, "utf8");
    await writeFile(dockerfile, generated.replace("EXPOSE 8815", "EXPOSE 9000"));
    const { code, output } = await drive(
      dir,
      [
        { when: "Dockerfile: your edits and the new version change the same lines", send: "\x1b[B\x1b[B\x1b[B\r" },
        { when: "+++ Dockerfile (merged)", send: "" },
        { when: "Dockerfile: your edits and the new version change the same lines", send: "\x1b[B\x1b[B\r" },
      ],
      ["upgrade", dir, "--set", "server.port=8000"],
    );
    expect(output).toContain("+EXPOSE 8000");
    expect(code).toBe(0);
    const after = await readFile(dockerfile, "utf8");
    expect(after).toContain("EXPOSE 8000");
    expect(after).not.toContain("<<<<<<<");
  }, 120_000);

  it("Ctrl-C at upgrade's question exits 130 and writes nothing", async () => {
    const dir = await appRepo();
    expect((await drive(dir, [{ when: "Show the advanced questions", send: "\r" }])).code).toBe(0);
    const dockerfile = path.join(dir, "Dockerfile");
    await writeFile(dockerfile, (await readFile(dockerfile, "utf8")).replace("EXPOSE 8815", "EXPOSE 9000"));
    const before = await Promise.all((await readdir(dir, { recursive: true })).sort().map(async (f) => [f, await readFile(path.join(dir, f)).catch(() => null)] as const));
    const { code } = await drive(dir, [{ when: "change the same lines", send: "\x03" }], ["upgrade", dir, "--set", "server.port=8000"]);
    expect(code).toBe(130);
    const after = await Promise.all((await readdir(dir, { recursive: true })).sort().map(async (f) => [f, await readFile(path.join(dir, f)).catch(() => null)] as const));
    expect(after).toEqual(before);
  }, 120_000);
});
