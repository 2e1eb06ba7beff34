/**
 * The verify model. A check has a stable id (used by --only/--skip and in
 * reports), may need external tools, and returns findings; it never prints.
 */
import type { Answers } from "../answers/types.js";

export type Severity = "error" | "warning";

export interface Finding {
  checkId: string;
  /** Repository-relative path, when the finding is about one file. */
  file?: string;
  line?: number;
  /** The tool's own rule id (e.g. DL3008, KSV-0014, container-resources). */
  rule?: string;
  severity: Severity;
  message: string;
  /** What to change, when we know. */
  fix?: string;
}

export type CheckStatus = "passed" | "failed" | "skipped" | "error";

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  findings: Finding[];
  durationMs: number;
  /** Why it was skipped or could not run (tool missing, tool crashed). */
  reason?: string;
  /** The install hint for a missing tool. */
  hint?: string;
}

export interface ToolInfo {
  name: string;
  path: string;
  version?: string;
}

export interface VerifyContext {
  root: string;
  answers: Answers;
  /** Every file the answers say was generated and that exists, relative path -> content. */
  files: ReadonlyMap<string, string>;
  tools: ReadonlyMap<string, ToolInfo>;
  /** Image given with --image, for trivy image. */
  image?: string;
  /** A scratch folder for rendered charts and tool output; removed after the run. */
  scratch: string;
  /** Extra environment for every tool run (see concurrency.ts). */
  toolEnv?: Readonly<Record<string, string>>;
  /** verify --cluster: the cluster the dry runs go to. */
  cluster?: {
    target: { kubeconfig?: string; context?: string };
    /** Create the app namespace when it is missing (and remove it afterwards). */
    createNamespace: boolean;
  };
}

export interface Check {
  id: string;
  title: string;
  /** External tools the check runs; all must be present. */
  tools: readonly string[];
  /** Rough relative run time; the runner starts expensive checks first so they do not end up on the critical path. */
  cost?: number;
  /** An optional extra (checkov): a missing tool is a skip even with --require-tools. */
  optional?: boolean;
  /** Whether the check applies at all (e.g. trivy-image only with --image). */
  applies?: (ctx: VerifyContext) => boolean;
  run(ctx: VerifyContext): Promise<Finding[]>;
}
