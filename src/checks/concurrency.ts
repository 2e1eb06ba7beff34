/**
 * How many cores each tool may use when verify runs several at once. Go tools
 * (trivy, syft, helm, kubeconform...) start one worker thread per core and
 * checkov forks one process per core; with four checks on two cores that
 * oversubscribes the machine several times over, and the extra threads' spinning
 * and garbage-collection work is CPU the other checks wait for. So with --jobs N,
 * each tool gets its share of the cores. Run alone (--jobs 1), tools keep them all.
 * A variable the user already set wins.
 */
export function toolConcurrencyEnv(jobs: number, cores: number, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (jobs <= 1) return {};
  const share = String(Math.max(1, Math.floor(cores / jobs)));
  const wanted: Record<string, string> = { GOMAXPROCS: share, CHECKOV_WORKERS_NUMBER: share };
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => env[name] === undefined));
}
