#!/usr/bin/env node
// Start-up and generation benchmarks. Prints ratios measured in one run, interleaved so that
// machine noise hits every command alike. Usage: npm run bench [-- --runs 15] [-- --verify]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "fd-bench-"));
  dirs.push(d);
  return [d];
};

// Warm the compile cache and the file system cache first.
time([process.execPath, cli, "--help"]);
time([process.execPath, cli, "init", "--yes"], freshDir);

const m = bench(
  [
    { name: "node -e 0", argv: [process.execPath, "-e", "0"] },
    { name: "fraiseql-deploy --help", argv: [process.execPath, cli, "--help"] },
    { name: "fraiseql-deploy init --yes", argv: [process.execPath, cli, "init", "--yes"], setup: freshDir },
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
];

if (withVerify) {
  const tree = freshDir()[0];
  spawnSync(process.execPath, [cli, "init", "--yes", tree], { stdio: "ignore" });
  const v = bench(
    [
      { name: "serial", argv: [process.execPath, cli, "verify", "--jobs", "1", tree] },
      { name: "parallel", argv: [process.execPath, cli, "verify", "--jobs", "4", tree] },
    ],
    Math.max(3, Math.floor(runs / 5)),
  );
  lines.push(
    "",
    `verify on the default tree (all installed tools), ${Math.max(3, Math.floor(runs / 5))} interleaved runs, medians:`,
    `| mode | median | ratio |`,
    `| --- | --- | --- |`,
    `| --jobs 1 (serial) | ${(v.serial / 1000).toFixed(1)} s | 1.00 |`,
    `| --jobs 4 (parallel) | ${(v.parallel / 1000).toFixed(1)} s | ${(v.parallel / v.serial).toFixed(2)} (target <= 0.50) |`,
  );
}
for (const d of dirs) rmSync(d, { recursive: true, force: true });
console.log(lines.join("\n"));
