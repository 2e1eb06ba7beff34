/**
 * Checks a rendered tree before anything is written: every YAML, JSON and
 * TOML file parses, and every Kubernetes object exists in the target version
 * and matches its schema. A failure here is a bug in fraiseql-deploy, never
 * the user's fault, so it stops the run with nothing written.
 */
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import type { Tree } from "./tree.js";
import { CHART_DIR } from "./tree.js";
import { validateKubernetesObject } from "../k8s/validate.js";

export interface TreeProblem {
  path: string;
  message: string;
}

/** Helm templates are Go templates, not YAML, until helm renders them. */
export const isHelmTemplate = (p: string): boolean => p.startsWith(`${CHART_DIR}/templates/`);

/** Plain Kubernetes manifests (not the chart, not the kustomization): each document is an object to validate. */
export const isKubernetesManifest = (p: string): boolean =>
  p.startsWith("deploy/kubernetes/") && !p.startsWith(`${CHART_DIR}/`) && kindOf(p) === "yaml" && !p.endsWith("kustomization.yaml");

export function kindOf(p: string): "yaml" | "json" | "toml" | "other" {
  if (/\.ya?ml$/.test(p)) return "yaml";
  if (p.endsWith(".json")) return "json";
  if (p.endsWith(".toml")) return "toml";
  return "other";
}

export function parseYamlDocuments(text: string, filename: string): unknown[] {
  return yaml.loadAll(text, undefined, { filename, schema: yaml.DEFAULT_SCHEMA }).filter((d) => d !== null && d !== undefined);
}

export function checkTree(tree: Tree, kubernetesVersion: string): TreeProblem[] {
  const problems: TreeProblem[] = [];
  for (const [p, file] of tree) {
    if (file.content.includes("[object Object]")) problems.push({ path: p, message: "contains [object Object]" });
    if (/&(quot|amp|lt|gt|#x27|#x3D);/.test(file.content) && !p.endsWith(".md")) {
      problems.push({ path: p, message: "contains HTML entities (escaping leaked)" });
    }
    if (isHelmTemplate(p)) continue;
    try {
      switch (kindOf(p)) {
        case "yaml": {
          const docs = parseYamlDocuments(file.content, p);
          if (isKubernetesManifest(p)) {
            for (const doc of docs) {
              for (const message of validateKubernetesObject(doc, kubernetesVersion)) problems.push({ path: p, message });
            }
          }
          break;
        }
        case "json":
          JSON.parse(file.content);
          break;
        case "toml":
          parseToml(file.content);
          break;
        default:
          break;
      }
    } catch (error) {
      problems.push({ path: p, message: `does not parse: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` });
    }
  }
  return problems;
}
