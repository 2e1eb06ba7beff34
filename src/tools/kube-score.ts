/**
 * kube-score: scores a set of objects deployed together (a Service must target
 * a pod, a Deployment needs a PDB and a NetworkPolicy...). `-o json` (v2)
 * lists every object with every check and a grade: 1 CRITICAL, 5 WARNING,
 * 7 almost OK, 10 OK.
 */
import type { Finding } from "../checks/types.js";

export interface KubeScoreOptions {
  files: readonly string[];
  /** "1.31" -> --kubernetes-version v1.31 (kube-score defaults to v1.18). */
  kubernetesVersion?: string;
  ignoreTests?: readonly string[];
  enableOptionalTests?: readonly string[];
}

export const KUBE_SCORE_CRITICAL = 1;
export const KUBE_SCORE_WARNING = 5;

export function kubeScoreArgs(options: KubeScoreOptions): string[] {
  const version = options.kubernetesVersion?.replace(/^v/, "").split(".").slice(0, 2).join(".");
  return [
    "score",
    "--output-format",
    "json",
    ...(version ? ["--kubernetes-version", `v${version}`] : []),
    ...(options.ignoreTests ?? []).flatMap((t) => ["--ignore-test", t]),
    ...(options.enableOptionalTests ?? []).flatMap((t) => ["--enable-optional-test", t]),
    ...options.files,
  ];
}

interface KubeScoreComment {
  path?: string;
  summary?: string;
  description?: string;
}

interface KubeScoreObject {
  object_name?: string;
  type_meta?: { kind?: string };
  object_meta?: { name?: string; namespace?: string };
  file_name?: string;
  file_row?: number;
  checks?: {
    check?: { id?: string; name?: string };
    grade?: number;
    skipped?: boolean;
    comments?: KubeScoreComment[] | null;
  }[];
}

export function parseKubeScore(stdout: string, checkId: string): Finding[] {
  let objects: KubeScoreObject[] | null;
  try {
    objects = JSON.parse(stdout) as KubeScoreObject[] | null;
  } catch {
    throw new Error(`kube-score did not print JSON: ${stdout.trim().slice(0, 300) || "(no output)"}`);
  }
  if (objects !== null && !Array.isArray(objects)) throw new Error("kube-score JSON is not a list of objects");
  const findings: Finding[] = [];
  for (const object of objects ?? []) {
    const label = `${object.type_meta?.kind ?? "object"}/${object.object_meta?.name ?? "(unnamed)"}`;
    const where = {
      ...(object.file_name ? { file: object.file_name } : {}),
      ...(object.file_row ? { line: object.file_row } : {}),
    };
    for (const check of object.checks ?? []) {
      if (check.skipped) continue;
      const severity = check.grade === KUBE_SCORE_CRITICAL ? "error" : check.grade === KUBE_SCORE_WARNING ? "warning" : undefined;
      if (!severity) continue;
      const rule = check.check?.id ?? "kube-score";
      const comments = check.comments && check.comments.length > 0 ? check.comments : [{ summary: check.check?.name ?? rule }];
      for (const comment of comments) {
        const container = comment.path ? ` (${comment.path})` : "";
        findings.push({
          checkId,
          ...where,
          rule,
          severity,
          message: `${label}${container}: ${comment.summary ?? check.check?.name ?? rule}`,
          ...(comment.description ? { fix: comment.description } : {}),
        });
      }
    }
  }
  return findings;
}
