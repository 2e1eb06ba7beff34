/**
 * Generated files use LF. A user's checkout may turn them into CRLF (git's core.autocrlf on Windows, an
 * editor setting): that is not an edit. Comparisons and merges run on LF text, and what upgrade writes
 * keeps the line endings the file had on disk.
 */
export type LineEndings = "lf" | "crlf";

/** CRLF when every line break in the text is one (a file with mixed endings is merged as it is). */
export function lineEndingsOf(text: string): LineEndings {
  const breaks = text.split("\n").length - 1;
  return breaks > 0 && text.split("\r\n").length - 1 === breaks ? "crlf" : "lf";
}

export function toLf(text: string): string {
  return lineEndingsOf(text) === "crlf" ? text.replaceAll("\r\n", "\n") : text;
}

export function withLineEndings(lfText: string, endings: LineEndings): string {
  return endings === "crlf" ? lfText.replaceAll("\n", "\r\n") : lfText;
}
