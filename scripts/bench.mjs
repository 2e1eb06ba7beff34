#!/usr/bin/env node
// Start-up and generation benchmarks. Prints ratios measured in one run, interleaved so that
// machine noise hits every command alike. Usage: npm run bench [-- --runs 15] [-- --verify]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] || 15) || 15;
const withVerify = args.includes("--verify");
const cli = path.resolve(import.meta.dirname, "..", "bin", "fraiseql-deploy.js");

function time(argv, setup) {
  const extra = setup?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], [...argv.slice(1), ...(extra ?? [])], { stdio: "ignore" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${argv.join(" ")} exited ${result.status}`);
  return ms;
}

/** CPU seconds (user + system) used by this process's finished children, from /proc (Linux), else undefined. */
function childrenCpuSeconds() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name; clock ticks of 1/100 s.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function bench(cases, n) {
  const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let i = 0; i < n; i++) for (const c of cases) samples[c.name].push(time(c.argv, c.setup));
  return Object.fromEntries(cases.map((c) => [c.name, median(samples[c.name])]));
}

const dirs = [];
// An application repository as the getting-started guide leaves it: the default answers compile its schema.json.
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "fd-bench-"));
  writeFileSync(path.join(d, "schema.json"), readFileSync(path.resolve(import.meta.dirname, "..", "test", "fixtures", "fraiseql-app", "schema.json")));
  dirs.push(d);
  return [d];
};
// One generated tree for status: it reads the answers, renders the tree and compares every file with the record.
const generatedTree = freshDir()[0];
spawnSync(process.execPath, [cli, "init", "--yes", generatedTree], { stdio: "ignore" });

// Warm the compile cache and the file system cache first.
time([process.execPath, cli, "--help"]);
time([process.execPath, cli, "init", "--yes"], freshDir);
time([process.execPath, cli, "status", generatedTree]);

const m = bench(
  [
    { name: "node -e 0", argv: [process.execPath, "-e", "0"] },
    { name: "fraiseql-deploy --help", argv: [process.execPath, cli, "--help"] },
    { name: "fraiseql-deploy init --yes", argv: [process.execPath, cli, "init", "--yes"], setup: freshDir },
    { name: "fraiseql-deploy status", argv: [process.execPath, cli, "status", generatedTree] },
  ],
  runs,
);
const base = m["node -e 0"];
const lines = [
  `Node ${process.version}, ${runs} interleaved runs each, medians:`,
  `| command | median | ratio to node -e 0 | target |`,
  `| --- | --- | --- | --- |`,
  `| node -e 0 | ${base.toFixed(0)} ms | 1.00x | |`,
  `| fraiseql-deploy --help | ${m["fraiseql-deploy --help"].toFixed(0)} ms | ${(m["fraiseql-deploy --help"] / base).toFixed(2)}x | <= 1.5x |`,
  `| fraiseql-deploy init --yes (whole default tree) | ${m["fraiseql-deploy init --yes"].toFixed(0)} ms | ${(m["fraiseql-deploy init --yes"] / base).toFixed(2)}x | <= 3x |`,
  `| fraiseql-deploy status (default tree) | ${m["fraiseql-deploy status"].toFixed(0)} ms | ${(m["fraiseql-deploy status"] / base).toFixed(2)}x | |`,
  "",
  `status / init --yes: ${(m["fraiseql-deploy status"] / m["fraiseql-deploy init --yes"]).toFixed(2)} (target <= 1.5)`,
];

if (withVerify) {
  const tree = freshDir()[0];
  spawnSync(process.execPath, [cli, "init", "--yes", tree], { stdio: "ignore" });
  const verifyRuns = Math.max(3, Math.floor(runs / 5));
  const v = bench(
    [
      { name: "serial", argv: [process.execPath, cli, "verify", "--jobs", "1", tree] },
      { name: "parallel", argv: [process.execPath, cli, "verify", "--jobs", "4", tree] },
    ],
    verifyRuns,
  );
  // CPU time (user + system) of one run of each mode: a parallel run cannot beat its own CPU time spread over
  // every core, so that is its floor on this machine.
  const cpuOf = (jobs) => {
    const before = childrenCpuSeconds();
    time([process.execPath, cli, "verify", "--jobs", String(jobs), tree]);
    const after = childrenCpuSeconds();
    return before === undefined || after === undefined ? undefined : after - before;
  };
  const serialCpu = cpuOf(1);
  const parallelCpu = cpuOf(4);
  const cores = availableParallelism();
  lines.push(
    "",
    `verify on the default tree (all installed tools), ${verifyRuns} interleaved runs, medians:`,
    `| mode | median | ratio |`,
    `| --- | --- | --- |`,
    `| --jobs 1 (serial) | ${(v.serial / 1000).toFixed(1)} s | 1.00 |`,
    `| --jobs 4 (parallel) | ${(v.parallel / 1000).toFixed(1)} s | ${(v.parallel / v.serial).toFixed(2)} (target <= 0.50) |`,
  );
  if (serialCpu !== undefined && parallelCpu !== undefined) {
    lines.push(
      "",
      `CPU time (verify and its tools, user + system): serial ${serialCpu.toFixed(1)} s (${(serialCpu / (v.serial / 1000)).toFixed(2)} cores busy on average), parallel ${parallelCpu.toFixed(1)} s.`,
      `On ${cores} cores the parallel run cannot take less than ${(parallelCpu / cores).toFixed(1)} s: a ratio of ${(parallelCpu / cores / (v.serial / 1000)).toFixed(2)} at best.`,
    );
  }
}

for (const d of dirs) rmSync(d, { recursive: true, force: true });
console.log(lines.join("\n"));
