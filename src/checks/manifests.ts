/** Loading the generated Kubernetes manifests as sets of objects that are deployed together. */
import yaml from "js-yaml";
import type { VerifyContext } from "./types.js";

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
export const field = (v: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (isObj(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined), v);

export interface ManifestDoc {
  file: string;
  doc: Obj;
}

export interface ManifestSet {
  name: string;
  docs: ManifestDoc[];
}

export const KUSTOMIZATION = "deploy/kubernetes/kustomization.yaml";
export const HARDENED_MANIFEST = "deploy/kubernetes/fraiseql-hardened.yaml";

export function loadDocs(file: string, text: string): ManifestDoc[] {
  return yaml
    .loadAll(text, undefined, { filename: file })
    .filter(isObj)
    .map((doc) => ({ file, doc }));
}

/** The plain manifests (what kustomization.yaml deploys) and the hardened all-in-one file. */
export function manifestSets(ctx: VerifyContext): ManifestSet[] {
  const sets: ManifestSet[] = [];
  const kustomization = ctx.files.get(KUSTOMIZATION);
  if (kustomization !== undefined) {
    const resources = field(yaml.load(kustomization), "resources");
    const docs: ManifestDoc[] = [];
    for (const resource of Array.isArray(resources) ? resources : []) {
      const file = `deploy/kubernetes/${String(resource)}`;
      const text = ctx.files.get(file);
      if (text !== undefined) docs.push(...loadDocs(file, text));
    }
    sets.push({ name: "plain manifests (kustomization.yaml)", docs });
  }
  const hardened = ctx.files.get(HARDENED_MANIFEST);
  if (hardened !== undefined) sets.push({ name: HARDENED_MANIFEST, docs: loadDocs(HARDENED_MANIFEST, hardened) });
  return sets;
}

/** Text of a scalar from parsed YAML; objects never stringify to "[object Object]". */
export function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v === undefined || v === null ? "" : JSON.stringify(v);
}

export function nameOf(doc: Obj): string {
  return `${text(doc.kind)}/${text(field(doc, "metadata", "name")) || "(unnamed)"}`;
}

export function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (!isObj(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => isObj(labels) && labels[k] === v);
}
