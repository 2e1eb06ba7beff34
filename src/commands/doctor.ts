/** `fraiseql-deploy doctor`: which tools verify and build can use, and how to get the rest. */
import { exec } from "../tools/exec.js";
import { discoverTools, toolSpecs } from "../tools/registry.js";
import { writeOut } from "../ui/output.js";

export async function runDoctor(): Promise<number> {
  const tools = await discoverTools(exec);
  const width = Math.max(...toolSpecs.map((s) => s.name.length));
  const lines = ["tool".padEnd(width) + "  version    path / how to install"];
  for (const spec of toolSpecs) {
    const tool = tools.get(spec.name);
    lines.push(
      tool ? `${spec.name.padEnd(width)}  ${(tool.version ?? "?").padEnd(9)}  ${tool.path}` : `${spec.name.padEnd(width)}  missing    ${spec.install}`,
    );
  }
  const missing = toolSpecs.length - tools.size;
  lines.push("", missing === 0 ? "all tools found" : `${missing} missing: verify skips their checks (or fails with --require-tools)`);
  writeOut(`${lines.join("\n")}\n`);
  return 0;
}
