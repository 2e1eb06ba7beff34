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

/** Maps with at most `limit` calls in flight, keeping the order of the results. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
