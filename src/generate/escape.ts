/**
 * Escaping per output language. Every answer that reaches a generated file goes
 * through one of these, so quotes, '#', ':', newlines, '{{' or non-ASCII text
 * can never change the structure of the file.
 */

const hex4 = (c: string): string => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;

/** A YAML double-quoted scalar (JSON strings are YAML; we also escape what YAML calls non-printable). */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/g, (c) => {
    // Keep valid surrogate pairs (emoji etc.) as they are: JSON.stringify already escaped lone ones.
    return /[\ud800-\udfff]/.test(c) ? c : hex4(c);
  });
}

/** A YAML scalar for any answer value: numbers and booleans bare, strings quoted, lists in flow style. */
export function yamlValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  return yamlString(typeof value === "string" ? value : JSON.stringify(value ?? ""));
}

/** A TOML basic string. */
export function tomlString(value: string): string {
  return `"${[...value]
    .map((c) => {
      if (c === "\\") return "\\\\";
      if (c === '"') return '\\"';
      if (c === "\n") return "\\n";
      if (c === "\t") return "\\t";
      if (c === "\r") return "\\r";
      const code = c.codePointAt(0) ?? 0;
      if (code < 0x20 || code === 0x7f) return hex4(c);
      return c;
    })
    .join("")}"`;
}

/** One POSIX shell word, single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A Dockerfile double-quoted value (LABEL, ENV). Newlines would end the
 * instruction, so they become spaces; backslashes and quotes are escaped.
 */
export function dockerfileString(value: string): string {
  return `"${value.replace(/[\r\n\u0085\u2028\u2029]+/g, " ").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\$")}"`;
}

/** Inline Markdown text: no line breaks, and Markdown/HTML punctuation made literal. */
export function markdownText(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, " ").replace(/([\\`*_{}[\]()#+!|<>~])/g, "\\$1");
}

/** Text for a Mermaid node label inside double quotes. */
export function mermaidText(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, " ").replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

/** A comment line's text: nothing after it can become code. */
export function commentText(value: string): string {
  // YAML parsers (kubectl's among them) also break lines at NEL, LS and PS.
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, " ");
}
