/** A Dockerfile as instructions: continuation lines joined, comments dropped, each with its first line number. */
export interface DockerInstruction {
  line: number;
  keyword: string;
  args: string;
}

export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? "";
    const start = i + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i] ?? ""}`;
    const match = /^\s*([A-Za-z_]+)\s*(.*)$/.exec(line);
    if (match) out.push({ line: start, keyword: (match[1] ?? "").toUpperCase(), args: match[2] ?? "" });
  }
  return out;
}

