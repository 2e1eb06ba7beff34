#!/usr/bin/env node
// Regenerates src/k8s/kubernetes-schemas.json: the strict JSON schemas of every kind fraiseql-deploy
// generates, for every Kubernetes minor it targets, in one deduplicated table that init's in-memory check
// reads (~250 KB for 15 versions; the source files are 7.5 MB). Source: the kubeconform schema folders that
// scripts/install-tools.sh builds from the kubernetes-validate wheels (Apache-2.0), so the built-in check and
// kubeconform in `verify` judge the same schemas.
//
// Usage: bash scripts/install-tools.sh --only kube-schemas && node scripts/vendor-kubernetes-schemas.mjs [--from DIR] [--out FILE]
// Review the diff like code; the unit tests in test/unit/kubernetes-schema.test.ts pin the behaviour.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const from = args.includes("--from")
  ? args[args.indexOf("--from") + 1]
  : path.join(process.env.FRAISEQL_DEPLOY_TOOLS ?? path.join(os.homedir(), ".cache", "fraiseql-deploy", "tools"), "kubernetes-json-schema");
const out = args.includes("--out") ? path.resolve(args[args.indexOf("--out") + 1]) : path.resolve(import.meta.dirname, "..", "src", "k8s", "kubernetes-schemas.json");

// The kinds fraiseql-deploy generates (file names as kubeconform names them).
const kindFiles = [
  "namespace-v1", "serviceaccount-v1", "configmap-v1", "service-v1", "resourcequota-v1", "limitrange-v1",
  "deployment-apps-v1", "horizontalpodautoscaler-autoscaling-v2", "poddisruptionbudget-policy-v1",
  "podsecuritypolicy-policy-v1beta1", "ingress-networking-v1", "networkpolicy-networking-v1",
  "role-rbac-v1", "rolebinding-rbac-v1", "clusterrole-rbac-v1", "clusterrolebinding-rbac-v1",
];

const nodes = [];
const index = new Map();

/** Interns a compact node; identical subtrees (across kinds and versions) are stored once. */
function intern(node) {
  const key = JSON.stringify(node);
  let i = index.get(key);
  if (i === undefined) {
    i = nodes.length;
    nodes.push(node);
    index.set(key, i);
  }
  return i;
}

const known = new Set(["type", "properties", "required", "additionalProperties", "items", "enum", "oneOf", "$ref", "$defs", "$schema", "format", "description"]);

/** JSON schema -> { t: types, p: {prop: node}, r: required, a: false | node, i: node, e: enum, o: [node] }. */
function convert(schema, defs, file, stack = []) {
  for (const key of Object.keys(schema)) {
    if (!known.has(key) && !key.startsWith("x-kubernetes-")) throw new Error(`${file}: unsupported schema keyword ${key}`);
  }
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, "");
    if (stack.includes(name)) throw new Error(`${file}: recursive schema ${name} is not supported`);
    const target = defs[name];
    if (!target) throw new Error(`${file}: unresolved $ref ${schema.$ref}`);
    return convert(target, defs, file, [...stack, name]);
  }
  const node = {};
  if (schema.type !== undefined) node.t = schema.type;
  if (schema.properties) {
    node.p = {};
    for (const name of Object.keys(schema.properties).sort()) node.p[name] = convert(schema.properties[name], defs, file, stack);
  }
  if (schema.required?.length) node.r = [...schema.required].sort();
  if (schema.additionalProperties === false) node.a = false;
  else if (typeof schema.additionalProperties === "object") node.a = convert(schema.additionalProperties, defs, file, stack);
  if (schema.items) node.i = convert(schema.items, defs, file, stack);
  if (schema.enum) node.e = schema.enum;
  if (schema.oneOf) node.o = schema.oneOf.map((s) => convert(s, defs, file, stack));
  return intern(node);
}

const versions = readdirSync(from)
  .map((d) => /^v1\.(\d+)\.0-standalone-strict$/.exec(d))
  .filter(Boolean)
  .map((m) => Number(m[1]))
  .sort((a, b) => a - b);
if (versions.length === 0) throw new Error(`no v1.X.0-standalone-strict folders in ${from}: run bash scripts/install-tools.sh --only kube-schemas`);

const kinds = {};
for (const minor of versions) {
  const dir = path.join(from, `v1.${minor}.0-standalone-strict`);
  const table = (kinds[`1.${minor}`] = {});
  for (const name of kindFiles) {
    const file = path.join(dir, `${name}.json`);
    if (!existsSync(file)) continue; // e.g. PodSecurityPolicy from 1.25 on
    const schema = JSON.parse(readFileSync(file, "utf8"));
    const [gvk] = schema["x-kubernetes-group-version-kind"] ?? [];
    if (!gvk) throw new Error(`${file}: no x-kubernetes-group-version-kind`);
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    table[`${apiVersion}/${gvk.kind}`] = convert(schema, schema.$defs ?? {}, file);
  }
}

const text = `${JSON.stringify({ source: `kubeconform strict schemas from kubernetes-validate (Apache-2.0), built by scripts/install-tools.sh; regenerate with scripts/vendor-kubernetes-schemas.mjs`, kinds, nodes })}\n`;
writeFileSync(out, text);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${versions.length} versions (1.${versions[0]}-1.${versions.at(-1)}), ${nodes.length} schema nodes, ${text.length} bytes`);
