/**
 * fraiseql-deploy.record.json, beside the answers: what fraiseql-deploy generated last time, so that
 * status, diff and upgrade can tell the user's edits from changes of the templates or the answers, with
 * no git and no older release of this tool at hand.
 *
 * Per file it keeps a SHA-256 digest (all `status` needs) and, in one compressed field, the generated text
 * itself: the base of the next three-way merge. Brotli keeps the default tree's ~215 KB of text to ~50 KB,
 * written as base64 so that no checkout setting (core.autocrlf) can alter it. Nothing in it depends on the
 * machine or the folder: it survives `git clone`.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from "node:zlib";
import type { PartialAnswers } from "../answers/fields.js";
import { UsageError } from "../errors.js";
import { sha256Hex } from "../generate/hash.js";
import type { GeneratedFile } from "../generate/tree.js";

export const RECORD_FILE = "fraiseql-deploy.record.json";
const RECORD_FORMAT = 1;

export interface RecordedFile {
  /** SHA-256 of the generated text (LF line endings, as generated). */
  sha256: string;
  mode: number;
}

export interface GenerationRecord {
  /** The fraiseql-deploy version that generated the files. */
  generatedBy: string;
  /** Digest of the templates that rendered them: tells a template change from an answers change. */
  templates: string;
  /** The answers they were rendered from, flat (`server.port`), to say which ones changed. */
  answers: PartialAnswers;
  files: ReadonlyMap<string, RecordedFile>;
  /** The generated text of each file (one per entry of `files`), decoded on first use: status needs only the digests. */
  base(): ReadonlyMap<string, string>;
  /** The encoded base, reused as it is when the content has not changed (compression output may vary by zlib version). */
  readonly encodedBase: string;
}

/** Files the record covers: everything generated except the record itself. */
export const isRecorded = (file: string): boolean => file !== RECORD_FILE;

export interface RecordInput {
  toolVersion: string;
  templates: string;
  answers: PartialAnswers;
  /**
   * The base of the next upgrade, per file: usually the text just generated; for a file the user chose to
   * keep, the base it had (so its pending update is not forgotten); for a file no longer generated, its last
   * generated text. Files left out are not tracked.
   */
  base: ReadonlyMap<string, GeneratedFile>;
  previous?: GenerationRecord;
}

export function buildRecord(input: RecordInput): GenerationRecord {
  const paths = [...input.base.keys()].filter(isRecorded).sort();
  const files = new Map<string, RecordedFile>();
  const base = new Map<string, string>();
  for (const file of paths) {
    const generated = input.base.get(file) as GeneratedFile;
    files.set(file, { sha256: sha256Hex(generated.content), mode: generated.mode });
    base.set(file, generated.content);
  }
  const encodedBase = input.previous && sameBase(input.previous, base) ? input.previous.encodedBase : encodeBase(base);
  return { generatedBy: input.toolVersion, templates: input.templates, answers: input.answers, files, base: () => base, encodedBase };
}

function sameBase(previous: GenerationRecord, base: ReadonlyMap<string, string>): boolean {
  try {
    const old = previous.base();
    return old.size === base.size && [...base].every(([file, content]) => old.get(file) === content);
  } catch {
    return false;
  }
}

function encodeBase(base: ReadonlyMap<string, string>): string {
  const json = JSON.stringify(Object.fromEntries(base));
  // Quality 5: within 2% of the smallest output at a fiftieth of quality 11's time (~8 ms against ~350 ms).
  const compressed = brotliCompressSync(Buffer.from(json, "utf8"), {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
  return `br:${compressed.toString("base64")}`;
}

export function serializeRecord(record: GenerationRecord): string {
  const document = {
    about: "Written by fraiseql-deploy: what it generated, so that `fraiseql-deploy status`, `diff` and `upgrade` can tell your edits from its changes. Commit it; do not edit it.",
    format: RECORD_FORMAT,
    generatedBy: record.generatedBy,
    templates: record.templates,
    answers: record.answers,
    files: Object.fromEntries([...record.files].map(([file, entry]) => [file, { sha256: entry.sha256, mode: entry.mode.toString(8).padStart(4, "0") }])),
    base: record.encodedBase,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Every problem names the record and the rule it breaks; the fix is the same for all of them. */
function damaged(rule: string): UsageError {
  return new UsageError(`${RECORD_FILE}: ${rule}. The record is written by fraiseql-deploy and must not be edited: restore it from version control (e.g. git checkout -- ${RECORD_FILE}), or delete it and run \`fraiseql-deploy status\` to see every differing file as untracked`);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

export function parseRecord(text: string): GenerationRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw damaged(`is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(data)) throw damaged("must be a JSON object");
  if (data.format !== RECORD_FORMAT) {
    throw damaged(`has format ${JSON.stringify(data.format)}; this fraiseql-deploy reads format ${RECORD_FORMAT} (a newer release wrote it? run that release, or a newer one)`);
  }
  const { generatedBy, templates, answers, files, base } = data;
  if (typeof generatedBy !== "string" || typeof templates !== "string") throw damaged("generatedBy and templates must be strings");
  if (!isObject(answers)) throw damaged("answers must be an object");
  if (!isObject(files)) throw damaged("files must be an object");
  if (typeof base !== "string" || !base.startsWith("br:")) throw damaged('base must be a string starting with "br:"');
  const entries = new Map<string, RecordedFile>();
  for (const [file, entry] of Object.entries(files)) {
    if (!isObject(entry) || typeof entry.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(entry.sha256) || typeof entry.mode !== "string" || !/^0[0-7]{3}$/.test(entry.mode)) {
      throw damaged(`files.${file} must be { "sha256": 64 hex digits, "mode": "0644"-style octal }`);
    }
    if (file.startsWith("/") || file.split("/").includes("..")) throw damaged(`files.${file}: paths are relative to the repository and stay inside it`);
    entries.set(file, { sha256: entry.sha256, mode: Number.parseInt(entry.mode, 8) });
  }
  let decoded: Map<string, string> | undefined;
  return {
    generatedBy,
    templates,
    answers: answers as PartialAnswers,
    files: entries,
    encodedBase: base,
    base: () => (decoded ??= decodeBase(base, entries)),
  };
}

function decodeBase(encoded: string, files: ReadonlyMap<string, RecordedFile>): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(brotliDecompressSync(Buffer.from(encoded.slice(3), "base64")).toString("utf8"));
  } catch {
    throw damaged("base does not decode (brotli-compressed JSON, base64)");
  }
  if (!isObject(data)) throw damaged("base must hold an object of file texts");
  const base = new Map<string, string>();
  for (const [file, content] of Object.entries(data)) {
    if (typeof content !== "string") throw damaged(`base.${file} must be text`);
    if (files.get(file)?.sha256 !== sha256Hex(content)) throw damaged(`the base text of ${file} does not match files.${file}.sha256`);
    base.set(file, content);
  }
  const without = [...files.keys()].find((file) => !base.has(file));
  if (without !== undefined) throw damaged(`files.${without} has no base text`);
  return base;
}
