/** A small unified diff for the conflict prompt's "show diff" choice. */
export function unifiedDiff(oldText: string, newText: string, name: string, context = 3): string {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: { tag: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ tag: " ", line: a[i++] as string });
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      ops.push({ tag: "+", line: b[j++] as string });
    } else {
      ops.push({ tag: "-", line: a[i++] as string });
    }
  }
  const out = [`--- ${name} (on disk)`, `+++ ${name} (generated)`];
  const changed = ops.map((op, index) => (op.tag !== " " ? index : -1)).filter((index) => index >= 0);
  if (changed.length === 0) return "";
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (start < 0) return;
    out.push("@@");
    for (let k = start; k <= end; k++) out.push(`${ops[k]?.tag}${ops[k]?.line}`);
  };
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length - 1, index + context);
    if (start >= 0 && from <= end + 1) end = Math.max(end, to);
    else {
      flush();
      start = from;
      end = to;
    }
  }
  flush();
  return out.join("\n");
}
