/**
 * Argument parsing only. Each command's module is imported when that command
 * runs, so `fraiseql-deploy --help` loads commander and nothing else.
 */
import { Command, CommanderError, Option } from "commander";
import { ExitCode, exitCodeFor, formatError } from "./errors.js";
import { toolVersion } from "./version.js";
import { isTerminal, writeErr, writeOut } from "./ui/output.js";

export { exitNow, watchStreams } from "./ui/output.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const exitCodesHelp = `
Exit codes:
  0    success (verify: no findings)
  1    verify found problems
  2    usage or tool error: unknown flag, invalid answer, malformed answers file,
       a required tool missing (verify --require-tools, build without docker) or crashing
  1    status: the generated files drifted (upgrade would change them, or
       files wait for you)
  3    init: existing files would be overwritten and no consent was given;
       upgrade: a merged file fails the checks (nothing written)
  4    upgrade: conflict markers were written, or untracked files wait for a
       decision; or files still hold markers and would change again
  5    internal error: a bug in fraiseql-deploy
  130  interrupted (Ctrl-C) or aborted at a prompt; nothing was written`;

export function buildProgram(): Command {
  const program = new Command("fraiseql-deploy")
    .description("Generate, build and verify a production deployment for a FraiseQL server")
    .version(toolVersion)
    .showHelpAfterError()
    .addHelpText("after", exitCodesHelp)
    .exitOverride()
    // Before any .command(): subcommands copy it. Terminals get the stream's width; anything else needs no stream.
    .configureOutput({
      writeOut,
      writeErr,
      getOutHelpWidth: () => (isTerminal(1) ? process.stdout.columns : 80),
      getErrHelpWidth: () => (isTerminal(2) ? process.stderr.columns : 80),
      getOutHasColors: () => isTerminal(1) && process.stdout.hasColors(),
      getErrHasColors: () => isTerminal(2) && process.stderr.hasColors(),
    });

  program
    .command("init")
    .description("render the deployment (Dockerfiles, Helm chart, manifests, compose, CI, docs) into a repository")
    .argument("[dir]", "repository root to write into", ".")
    .option("-y, --yes", "accept the default for every question not answered otherwise")
    .option("-c, --config <file>", "read answers from a YAML file (same format as fraiseql-deploy.yaml)")
    .option("-s, --set <key=value>", "set one answer, e.g. --set server.port=8815 (repeatable)", collect, [])
    .option("--force", "overwrite existing files that differ")
    .option("--skip-existing", "keep existing files that differ; write only the others")
    .option("--dry-run", "print what would be written and write nothing")
    .option("--detect-cluster", "default kubernetes.version to the version of the cluster in the current kube context (read-only; the wizard always looks, --yes only with this flag)")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runInit } = await import("./commands/init.js");
      await runInit(dir, options);
    });

  program
    .command("status")
    .description("show each generated file: pristine, edited, outdated (templates or answers changed), deleted, missing, conflicted, untracked or obsolete")
    .argument("[dir]", "repository root", ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--all", "list pristine files too")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runStatus } = await import("./commands/status.js");
      process.exitCode = await runStatus(dir, options);
    });

  program
    .command("diff")
    .description("show what upgrade would change, as unified diffs")
    .argument("[paths...]", "only these files or folders")
    .option("-C, --dir <dir>", "repository root", ".")
    .option("-c, --config <file>", "as upgrade: answers from this file replace the saved ones")
    .option("-s, --set <key=value>", "as upgrade: set one answer (repeatable)", collect, [])
    .option("--restore", "as upgrade --restore")
    .option("--prune", "as upgrade --prune")
    .option("--no-color", "plain output even on a terminal")
    .action(async (paths: string[], options: Record<string, unknown>) => {
      const { runDiff } = await import("./commands/diff.js");
      process.exitCode = await runDiff(paths, { ...options, ...(options.color === false ? { color: false } : { color: undefined }) });
    });

  program
    .command("upgrade")
    .description("bring the generated files up to these templates and answers: unchanged files are replaced, edited ones merged (three-way), conflicts marked")
    .argument("[dir]", "repository root", ".")
    .option("-c, --config <file>", "read answers from this file; they replace the saved ones (and are saved)")
    .option("-s, --set <key=value>", "change one answer, e.g. --set server.port=8815 (repeatable; saved)", collect, [])
    .option("--restore", "bring back the generated files you deleted")
    .option("--prune", "delete the files no longer generated that you did not change")
    .option("-y, --yes", "never ask: conflicts get markers, untracked files are kept")
    .option("--dry-run", "print what would change and write nothing")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runUpgrade } = await import("./commands/upgrade.js");
      process.exitCode = await runUpgrade(dir, options);
    });

  program
    .command("build")
    .description("build the images with docker buildx")
    .argument("[dir]", "repository root", ".")
    .option("--platforms <list>", "comma-separated platforms (default: build.platforms from fraiseql-deploy.yaml)")
    .option("-t, --tag <ref>", "image reference to tag (repeatable; default: the answers' image)", collect, [])
    .option("--push", "push the result to the registry")
    .option("--load", "load the result into the local docker engine (one platform only)")
    .option("--hardened", "build deploy/docker/Dockerfile.hardened instead of Dockerfile")
    .option("--sbom", "attach an SBOM attestation (needs --push)")
    .option("--provenance", "attach a max-mode provenance attestation (needs --push)")
    .option("--cache-from <spec>", "buildx --cache-from (repeatable)", collect, [])
    .option("--cache-to <spec>", "buildx --cache-to (repeatable)", collect, [])
    .option("--build-arg <key=value>", "build argument (repeatable)", collect, [])
    .option("--offline-frontend", "drop the '# syntax=' line so BuildKit uses its built-in frontend (for machines without registry access)")
    .option("--dry-run", "print the exact docker command and run nothing")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runBuild } = await import("./commands/build.js");
      await runBuild(dir, options);
    });

  program
    .command("lock")
    .description("write deploy/fraiseql/server/Cargo.lock: pins every dependency of the published fraiseql-server the image builds (server.source: crates); commit it")
    .argument("[dir]", "repository root", ".")
    .option("--docker", "resolve with cargo in the builder image even when this machine has cargo")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runLock } = await import("./commands/lock.js");
      process.exitCode = await runLock(dir, options);
    });

  program
    .command("verify")
    .description("check every generated artifact with built-in checks and the real tools")
    .argument("[dir]", "repository root", ".")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json", "junit", "sarif"]).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--require-tools", "a missing tool is a failure, not a skip (use in CI)")
    .option("--only <ids>", "run only these check ids (comma-separated)")
    .option("--skip <ids>", "skip these check ids (comma-separated)")
    .option("--image <ref>", "also scan this built image with trivy")
    .option("-j, --jobs <n>", "checks to run at once", "4")
    .option("--cluster", "also send every object to a real API server as a server-side dry run (kubectl; the current context unless told otherwise). Never stores anything")
    .option("--kubeconfig <file>", "the kubeconfig for --cluster (implies --cluster)")
    .option("--context <name>", "the kubeconfig context for --cluster (implies --cluster)")
    .option("--create-namespace", "with --cluster: create the app namespace if it is missing (as deploy/kubernetes/namespace.yaml labels it), and delete it afterwards; the only change verify ever makes to a cluster")
    .action(async (dir: string, options: Record<string, unknown>) => {
      const { runVerify } = await import("./commands/verify.js");
      process.exitCode = await runVerify(dir, options);
    });

  program
    .command("doctor")
    .description("list the external tools found, their versions, and how to install the missing ones")
    .action(async () => {
      const { runDoctor } = await import("./commands/doctor.js");
      process.exitCode = await runDoctor();
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with code 0 through the same path.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    writeErr(`${formatError(error)}\n`);
    return exitCodeFor(error);
  }
}
