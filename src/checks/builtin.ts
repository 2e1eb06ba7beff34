/**
 * Checks that need no external tool. Each one is small and names the file
 * and the change to make.
 */
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { CHART_DIR } from "../generate/tree.js";
import { isHelmTemplate, isKubernetesManifest, kindOf } from "../generate/check.js";
import { validateKubernetesObject } from "../k8s/validate.js";
import { checkPodSecurityRestricted, podSpecOf } from "../k8s/pod-security.js";
import { databaseProbePaths, serverEnvVars, unreadEnvVars } from "../k8s/contract.js";
import { exec } from "../tools/exec.js";
import type { Check, Finding, VerifyContext } from "./types.js";
import { parseDockerfile } from "./dockerfile.js";
import { buildContextCheck, serverBootCheck } from "./server-boot.js";

export { parseDockerfile };
import { HARDENED_MANIFEST, field, isObj, labelsMatch, list, loadDocs, manifestSets, nameOf, text, type ManifestDoc, type Obj } from "./manifests.js";

const error = (checkId: string, file: string | undefined, message: string, fix?: string, rule?: string): Finding => ({
  checkId,
  ...(file ? { file } : {}),
  severity: "error",
  message,
  ...(fix ? { fix } : {}),
  ...(rule ? { rule } : {}),
});


const syntax: Check = {
  id: "syntax",
  title: "YAML, JSON, TOML and shell syntax",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const [file, text] of ctx.files) {
      if (isHelmTemplate(file)) continue;
      try {
        const kind = kindOf(file);
        if (kind === "yaml") yaml.loadAll(text, undefined, { filename: file });
        else if (kind === "json") JSON.parse(text);
        else if (kind === "toml") parseToml(text);
      } catch (e) {
        const message = e instanceof Error ? e.message.split("\n")[0] ?? e.message : String(e);
        const line = /line (\d+)/.exec(message)?.[1];
        findings.push({ ...error("syntax", file, `does not parse: ${message}`, "fix the syntax error; `fraiseql-deploy status` says whether you edited the file"), ...(line ? { line: Number(line) } : {}) });
      }
    }
    for (const [file, text] of ctx.files) {
      if (!file.endsWith(".sh")) continue;
      const result = await exec("bash", ["-n"], { input: text });
      if (result.exitCode !== 0) findings.push(error("syntax", file, `shell syntax error: ${result.stderr.trim()}`));
    }
    return findings;
  },
};

const k8sSchema: Check = {
  id: "k8s-schema",
  title: "Kubernetes objects against the schemas of the target version",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const [file, text] of ctx.files) {
      if (!isKubernetesManifest(file)) continue;
      let docs: ManifestDoc[];
      try {
        docs = loadDocs(file, text);
      } catch {
        continue; // reported by the syntax check
      }
      for (const { doc } of docs) {
        // Kinds a user added (a CronJob, say) have no vendored schema; kubeconform checks them in this run.
        for (const message of validateKubernetesObject(doc, ctx.answers.kubernetes.version, { unknownKinds: "ignore" })) {
          findings.push(error("k8s-schema", file, message, "use an API version the target Kubernetes serves and the field types of its schema"));
        }
      }
    }
    return findings;
  },
};

const podSecurity: Check = {
  id: "pod-security",
  title: 'Pod Security "restricted" on the manifests',
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const set of manifestSets(ctx)) {
      for (const { file, doc } of set.docs) {
        for (const v of checkPodSecurityRestricted(doc)) {
          findings.push(error("pod-security", file, `${v.object}: ${v.message}`, "set the restricted securityContext (see docs/DEPLOYMENT_SECURITY.md)", v.control));
        }
      }
    }
    const hardened = manifestSets(ctx).find((s) => s.name === HARDENED_MANIFEST);
    if (hardened && Number(ctx.answers.kubernetes.version.split(".")[1]) >= 25) {
      const namespace = hardened.docs.find((d) => d.doc.kind === "Namespace");
      const enforce = field(namespace?.doc, "metadata", "labels", "pod-security.kubernetes.io/enforce");
      if (enforce !== "restricted") {
        findings.push(error("pod-security", HARDENED_MANIFEST, "the Namespace does not enforce Pod Security 'restricted'", "label it pod-security.kubernetes.io/enforce: restricted"));
      }
    }
    return findings;
  },
};

function containerOf(doc: Obj): Obj | undefined {
  const pod = podSpecOf(doc);
  return list(pod?.containers).find((c) => c.name === "fraiseql-server") ?? list(pod?.containers)[0];
}

function portsOf(container: Obj): { names: Set<string>; numbers: Set<number> } {
  const ports = list(container.ports);
  return {
    names: new Set(ports.map((p) => text(p.name))),
    numbers: new Set(ports.map((p) => Number(p.containerPort))),
  };
}

function envOf(container: Obj): Map<string, Obj> {
  return new Map(list(container.env).map((e) => [String(e.name), e]));
}

const consistency: Check = {
  id: "consistency",
  title: "Cross-file consistency: selectors, ports, probes, references, environment",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    const add = (file: string, message: string, fix?: string): void => {
      findings.push(error("consistency", file, message, fix));
    };
    const externalSecrets = new Set([ctx.answers.database.existingSecret, ctx.answers.metrics.existingSecret, `${ctx.answers.app.name}-schema`]);
    for (const set of manifestSets(ctx)) {
      const workloads = set.docs.filter((d) => podSpecOf(d.doc));
      const deployment = workloads.find((d) => d.doc.kind === "Deployment");
      if (!deployment) {
        add(set.docs[0]?.file ?? HARDENED_MANIFEST, `${set.name}: no Deployment found`);
        continue;
      }
      const { file, doc } = deployment;
      const podLabels = field(doc, "spec", "template", "metadata", "labels");
      if (!labelsMatch(field(doc, "spec", "selector", "matchLabels"), podLabels)) {
        add(file, `${nameOf(doc)}: spec.selector.matchLabels does not match the pod template labels`, "make the selector a subset of spec.template.metadata.labels");
      }
      const container = containerOf(doc);
      if (!container) continue;
      const ports = portsOf(container);
      const env = envOf(container);
      const bind = env.get("FRAISEQL_BIND_ADDR")?.value;
      const bindPort = typeof bind === "string" ? Number(/:(\d+)$/.exec(bind)?.[1]) : Number.NaN;
      if (typeof bind !== "string") {
        add(file, `${nameOf(doc)}: FRAISEQL_BIND_ADDR is not set, so the server listens on 127.0.0.1:8000 and is unreachable`, "set FRAISEQL_BIND_ADDR=0.0.0.0:<containerPort>");
      } else if (!bind.startsWith("0.0.0.0:") && !bind.startsWith("[::]:")) {
        add(file, `${nameOf(doc)}: FRAISEQL_BIND_ADDR=${bind} does not listen on all interfaces`, "use 0.0.0.0:<port>");
      } else if (!ports.numbers.has(bindPort)) {
        add(file, `${nameOf(doc)}: FRAISEQL_BIND_ADDR port ${bindPort} is not a containerPort (${[...ports.numbers].join(", ")})`, "make containerPort and FRAISEQL_BIND_ADDR agree");
      }
      for (const name of env.keys()) {
        if (unreadEnvVars[name]) add(file, `${nameOf(doc)}: env ${name} is not read by fraiseql-server: ${unreadEnvVars[name]}`);
        else if (!serverEnvVars.has(name)) add(file, `${nameOf(doc)}: env ${name} is not a variable fraiseql-server reads`, "remove it or check its spelling against docs/DEPLOYMENT.md");
      }
      if (env.has("FRAISEQL_ENV")) add(file, `${nameOf(doc)}: FRAISEQL_ENV must not be set in Kubernetes (it is forced to production there)`);
      if (!env.has("FRAISEQL_SCHEMA_PATH")) add(file, `${nameOf(doc)}: FRAISEQL_SCHEMA_PATH is not set; the server exits at boot without its compiled schema`);
      if (!env.has("FRAISEQL_CONFIG")) add(file, `${nameOf(doc)}: FRAISEQL_CONFIG is not set; production mode refuses to boot without a CORS setting from the config file`);
      const databaseUrl = env.get("DATABASE_URL");
      if (!databaseUrl) add(file, `${nameOf(doc)}: DATABASE_URL is not set`);
      else if (databaseUrl.value !== undefined) add(file, `${nameOf(doc)}: DATABASE_URL is a literal value; read it from a Secret`, "use valueFrom.secretKeyRef");

      const probePortOk = (port: unknown): boolean => (typeof port === "number" ? ports.numbers.has(port) : ports.names.has(String(port)));
      for (const probeName of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const probe = container[probeName];
        if (!isObj(probe)) {
          add(file, `${nameOf(doc)}: ${probeName} is missing`);
          continue;
        }
        const handler = isObj(probe.httpGet) ? probe.httpGet : isObj(probe.tcpSocket) ? probe.tcpSocket : undefined;
        if (handler && !probePortOk(handler.port)) add(file, `${nameOf(doc)}: ${probeName} port ${String(handler.port)} is not a declared container port`);
        const pathValue = isObj(probe.httpGet) ? String(probe.httpGet.path) : undefined;
        if (probeName === "livenessProbe" && pathValue && databaseProbePaths.has(pathValue)) {
          add(file, `${nameOf(doc)}: livenessProbe uses ${pathValue}, which fails while the database is down and would restart every pod`, "use httpGet /live (fraiseql-server 2.19 answers it without the database)");
        }
        if (probeName === "readinessProbe" && pathValue !== "/readiness") {
          add(file, `${nameOf(doc)}: readinessProbe should be httpGet /readiness`);
        }
      }
      const grace = Number(field(doc, "spec", "template", "spec", "terminationGracePeriodSeconds") ?? 30);
      const needed = ctx.answers.server.shutdownTimeoutSecs + ctx.answers.kubernetes.preStopSleepSeconds;
      if (grace <= needed) add(file, `${nameOf(doc)}: terminationGracePeriodSeconds ${grace} is not longer than the preStop pause plus the shutdown timeout (${needed})`);

      const configMaps = new Set(set.docs.filter((d) => d.doc.kind === "ConfigMap").map((d) => String(field(d.doc, "metadata", "name"))));
      for (const volume of list(field(doc, "spec", "template", "spec", "volumes"))) {
        const cm = field(volume, "configMap", "name");
        if (typeof cm === "string" && !configMaps.has(cm) && cm !== `${ctx.answers.app.name}-schema`) {
          add(file, `${nameOf(doc)}: volume ${String(volume.name)} mounts ConfigMap ${cm}, which no manifest defines`);
        }
        const secret = field(volume, "secret", "secretName");
        if (typeof secret === "string" && !externalSecrets.has(secret)) add(file, `${nameOf(doc)}: volume ${String(volume.name)} mounts unknown Secret ${secret}`);
      }
      for (const [name, e] of env) {
        const ref = field(e, "valueFrom", "secretKeyRef", "name");
        if (typeof ref === "string" && !externalSecrets.has(ref)) {
          add(file, `${nameOf(doc)}: env ${name} reads Secret ${ref}, but the answers name ${[...externalSecrets].join(", ")}`);
        }
      }

      for (const { file: f, doc: d } of set.docs) {
        if (d.kind === "Service") {
          if (!labelsMatch(field(d, "spec", "selector"), podLabels)) add(f, `${nameOf(d)}: selector does not match the Deployment's pod labels`);
          for (const port of list(field(d, "spec", "ports"))) {
            if (!probePortOk(port.targetPort ?? port.port)) add(f, `${nameOf(d)}: targetPort ${String(port.targetPort)} is not a container port of ${nameOf(doc)}`);
          }
        }
        if (d.kind === "NetworkPolicy") {
          // An empty podSelector selects every pod in the namespace (the usual default-deny policy).
          const selector = field(d, "spec", "podSelector");
          const selectsAll = isObj(selector) && Object.keys(selector).every((k) => isObj(selector[k]) ? Object.keys(selector[k]).length === 0 : !selector[k]);
          if (!selectsAll && !labelsMatch(field(selector, "matchLabels"), podLabels)) {
            add(f, `${nameOf(d)}: podSelector does not select the fraiseql pods, so they stay unprotected`, "select app.kubernetes.io/name and app.kubernetes.io/instance of the Deployment's pods");
          }
        }
        if (d.kind === "PodDisruptionBudget" && !labelsMatch(field(d, "spec", "selector", "matchLabels"), podLabels)) {
          add(f, `${nameOf(d)}: selector does not match the fraiseql pods`);
        }
        if (d.kind === "HorizontalPodAutoscaler" && field(d, "spec", "scaleTargetRef", "name") !== field(doc, "metadata", "name")) {
          add(f, `${nameOf(d)}: scaleTargetRef does not name ${nameOf(doc)}`);
        }
        if (d.kind === "Ingress") {
          const services = new Set(set.docs.filter((x) => x.doc.kind === "Service").map((x) => String(field(x.doc, "metadata", "name"))));
          for (const rule of list(field(d, "spec", "rules"))) {
            for (const p of list(field(rule, "http", "paths"))) {
              const svc = field(p, "backend", "service", "name");
              if (typeof svc === "string" && !services.has(svc)) add(f, `${nameOf(d)}: backend service ${svc} is not defined`);
            }
          }
        }
      }
    }
    return findings;
  },
};

const validInstructions = new Set(["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]);

const runtimeContract: Check = {
  id: "runtime-contract",
  title: "Dockerfiles and compose files against the fraiseql-server runtime contract",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    const add = (file: string, message: string, line?: number, fix?: string): void => {
      findings.push({ ...error("runtime-contract", file, message, fix), ...(line ? { line } : {}) });
    };
    for (const file of ["Dockerfile", "deploy/docker/Dockerfile.hardened"]) {
      const text = ctx.files.get(file);
      if (text === undefined) continue;
      const instructions = parseDockerfile(text);
      const lastFrom = instructions.map((ins) => ins.keyword).lastIndexOf("FROM");
      const final = instructions.slice(lastFrom);
      for (const ins of instructions) {
        if (!validInstructions.has(ins.keyword)) add(file, `${ins.keyword} is not a Dockerfile instruction; the build fails`, ins.line, "remove it (seccomp and no-new-privileges are run-time settings)");
        if (ins.keyword === "RUN" && /libpq/.test(ins.args)) add(file, "installs libpq, which fraiseql-server does not link (sqlx is pure Rust)", ins.line);
      }
      const user = final.filter((i) => i.keyword === "USER").pop();
      if (!user) add(file, "the runtime stage has no USER, so the server runs as root", undefined, "add USER 65532:65532");
      else if (!/^\d+(:\d+)?$/.test(user.args.trim())) add(file, `USER ${user.args.trim()} is not numeric; Kubernetes runAsNonRoot cannot verify it`, user.line, "use USER 65532:65532");
      const entrypoint = final.filter((i) => i.keyword === "ENTRYPOINT").pop();
      if (!entrypoint || !entrypoint.args.trim().startsWith("[")) add(file, "the runtime stage needs an exec-form ENTRYPOINT so flags can be passed and SIGTERM reaches the server", entrypoint?.line);
      const envText = final.filter((i) => i.keyword === "ENV").map((i) => i.args).join(" ");
      const bind = /FRAISEQL_BIND_ADDR[= ]"?([^\s"]+)/.exec(envText)?.[1];
      if (!bind) add(file, "FRAISEQL_BIND_ADDR is not set; the server would listen on 127.0.0.1:8000", undefined, `ENV FRAISEQL_BIND_ADDR=0.0.0.0:${ctx.answers.server.port}`);
      const exposed = final.filter((i) => i.keyword === "EXPOSE").map((i) => i.args.trim().split("/")[0]);
      if (bind && !exposed.includes(bind.split(":").pop())) add(file, `EXPOSE ${exposed.join(" ")} does not match FRAISEQL_BIND_ADDR ${bind}`);
      for (const hc of final.filter((i) => i.keyword === "HEALTHCHECK")) {
        if (/\/health\b/.test(hc.args)) add(file, "the HEALTHCHECK uses /health; use /readiness (or a TCP check)", hc.line);
        if (/\bcurl\b|\bwget\b|\bnc\b/.test(hc.args)) {
          const tool = /\b(curl|wget|nc)\b/.exec(hc.args)?.[1] ?? "";
          const installed = instructions.some((i) => i.keyword === "RUN" && new RegExp(`\\b${tool}\\b`).test(i.args) && i.line > (instructions[lastFrom]?.line ?? 0));
          if (!installed) add(file, `the HEALTHCHECK runs ${tool}, which the runtime image does not contain`, hc.line);
        }
      }
    }
    for (const [file, dev] of [["docker-compose.yml", true], ["docker-compose.prod.yml", false]] as const) {
      const text = ctx.files.get(file);
      if (text === undefined) continue;
      let compose: unknown;
      try {
        compose = yaml.load(text);
      } catch {
        continue;
      }
      const server = field(compose, "services", "fraiseql");
      if (!isObj(server)) {
        add(file, "no `fraiseql` service");
        continue;
      }
      const environment = server.environment;
      const env = new Map<string, string>(
        isObj(environment)
          ? Object.entries(environment).map(([k, v]) => [k, String(v)])
          : Array.isArray(environment)
            ? environment.map((e) => String(e).split("=")).map(([k, ...v]) => [k ?? "", v.join("=")])
            : [],
      );
      if (!env.has("FRAISEQL_BIND_ADDR") && !ctx.files.get("Dockerfile")?.includes("FRAISEQL_BIND_ADDR")) add(file, "fraiseql: FRAISEQL_BIND_ADDR is not set");
      if (!dev && env.has("FRAISEQL_ENV")) add(file, "fraiseql: FRAISEQL_ENV must not be set in the production compose file");
      if (dev && env.get("FRAISEQL_ENV") !== "development") add(file, "fraiseql: the development compose file should set FRAISEQL_ENV=development");
      for (const name of env.keys()) if (unreadEnvVars[name]) add(file, `fraiseql: ${name} is not read by fraiseql-server: ${unreadEnvVars[name]}`);
      if (!dev && (server.read_only !== true || !JSON.stringify(server.cap_drop ?? []).includes("ALL"))) {
        add(file, "fraiseql: production needs read_only: true and cap_drop: [ALL]");
      }
    }
    return findings;
  },
};

const composeStructure: Check = {
  id: "compose-structure",
  title: "Compose files: structure, dependencies and profiles",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const file of ["docker-compose.yml", "docker-compose.prod.yml"]) {
      const text = ctx.files.get(file);
      if (text === undefined) continue;
      let compose: unknown;
      try {
        compose = yaml.load(text);
      } catch {
        continue;
      }
      if (!isObj(compose)) continue;
      if ("version" in compose) findings.push(error("compose-structure", file, "the top-level `version:` key is obsolete", "delete it"));
      const services = isObj(compose.services) ? compose.services : {};
      for (const [name, service] of Object.entries(services)) {
        if (!isObj(service)) continue;
        if (!service.image && !service.build) findings.push(error("compose-structure", file, `service ${name} has neither image nor build`));
        const deps = isObj(service.depends_on) ? Object.entries(service.depends_on) : Array.isArray(service.depends_on) ? service.depends_on.map((d) => [String(d), {}] as const) : [];
        for (const [dep, spec] of deps) {
          const target = services[dep];
          if (!isObj(target)) {
            findings.push(error("compose-structure", file, `service ${name} depends on ${dep}, which is not defined`));
            continue;
          }
          if (Array.isArray(target.profiles) && field(spec, "required") !== false) {
            findings.push(error("compose-structure", file, `service ${name} depends on ${dep}, which is behind a profile; mark the dependency required: false`));
          }
        }
        const ports = Array.isArray(service.ports) ? service.ports.map(String) : [];
        if (typeof service.image === "string" && /jaeger/.test(service.image)) {
          for (const legacy of ["6831", "6832", "14268", "14250", "5775"]) {
            if (ports.some((p) => p.includes(legacy))) findings.push(error("compose-structure", file, `jaeger publishes legacy port ${legacy}; Jaeger v2 takes OTLP on 4317/4318`));
          }
        }
      }
    }
    return findings;
  },
};

const workflowPins: Check = {
  id: "workflow-pins",
  title: "GitHub Actions pinned by commit SHA, least-privilege permissions",
  tools: [],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const [file, text] of ctx.files) {
      if (!file.startsWith(".github/workflows/")) continue;
      text.split("\n").forEach((line, index) => {
        const uses = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)/.exec(line)?.[1];
        if (!uses || uses.startsWith("./") || uses.startsWith("docker://")) return;
        if (!/@[0-9a-f]{40}$/.test(uses)) {
          findings.push({ ...error("workflow-pins", file, `${uses} is not pinned to a full commit SHA`, "pin it: owner/action@<40-char sha> # vX.Y.Z", "unpinned-action"), line: index + 1 });
        }
      });
      let workflow: unknown;
      try {
        workflow = yaml.load(text);
      } catch {
        continue;
      }
      if (isObj(workflow) && !("permissions" in workflow)) {
        findings.push(error("workflow-pins", file, "no top-level permissions: the token gets the repository's default (often write-all)", "add `permissions: {}` or `contents: read` and elevate per job", "permissions"));
      }
    }
    return findings;
  },
};

const valuesSchema: Check = {
  id: "values-schema",
  title: "Helm values.yaml against values.schema.json",
  tools: [],
  async run(ctx) {
    const valuesFile = `${CHART_DIR}/values.yaml`;
    const schemaFile = `${CHART_DIR}/values.schema.json`;
    const values = ctx.files.get(valuesFile);
    const schema = ctx.files.get(schemaFile);
    if (values === undefined || schema === undefined) return [];
    const { Ajv } = await import("ajv");
    let validate;
    try {
      validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(schema) as object);
    } catch (e) {
      return [error("values-schema", schemaFile, `is not a valid JSON Schema: ${e instanceof Error ? e.message : String(e)}`)];
    }
    let data: unknown;
    try {
      data = yaml.load(values);
    } catch {
      return [];
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map((e) =>
      error("values-schema", valuesFile, `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`),
    );
  },
};

export const builtinChecks: Check[] = [syntax, k8sSchema, podSecurity, consistency, runtimeContract, buildContextCheck, serverBootCheck, valuesSchema, composeStructure, workflowPins];

export type { VerifyContext };
