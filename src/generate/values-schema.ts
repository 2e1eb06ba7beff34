/**
 * The Helm chart's values.schema.json (JSON Schema draft-07), built from the
 * one answers schema (src/answers/fields.ts): every values key whose default
 * is an answer takes that answer's type, pattern, bounds, choices and help
 * text, so `helm install --set ...` is held to exactly the rules the wizard
 * and the answers file are. Helm validates it on install, upgrade, lint and
 * template, against the merged values.
 *
 * Patterns are copied from the fields' RegExp sources; Helm evaluates them
 * with Go's RE2, so they must not use lookaround or backreferences (the unit
 * tests check that for every pattern emitted here).
 */
import { fieldByKey, type Field } from "../answers/fields.js";

type Schema = Record<string, unknown>;

/**
 * values.yaml key (dotted path) -> the answer its default comes from. The
 * schema of each of these keys is `fieldSchema(fieldByKey(answer))`.
 */
export const valuesFromAnswers: Readonly<Record<string, string>> = {
  "image.repository": "image.repository",
  "image.tag": "image.tag",
  "image.variant": "profile",
  "image.pullPolicy": "image.pullPolicy",
  replicaCount: "replicas",
  "autoscaling.enabled": "autoscaling.enabled",
  "autoscaling.minReplicas": "autoscaling.minReplicas",
  "autoscaling.maxReplicas": "autoscaling.maxReplicas",
  "autoscaling.targetCPUUtilizationPercentage": "autoscaling.targetCPUUtilizationPercentage",
  "autoscaling.targetMemoryUtilizationPercentage": "autoscaling.targetMemoryUtilizationPercentage",
  "ingress.enabled": "ingress.enabled",
  "ingress.className": "ingress.className",
  "ingress.host": "ingress.host",
  "ingress.controllerNamespace": "ingress.controllerNamespace",
  "ingress.tls.enabled": "ingress.tls.enabled",
  "ingress.tls.clusterIssuer": "ingress.tls.clusterIssuer",
  "resources.requests.cpu": "resources.requests.cpu",
  "resources.requests.memory": "resources.requests.memory",
  "resources.limits.cpu": "resources.limits.cpu",
  "resources.limits.memory": "resources.limits.memory",
  "lifecycle.preStopSleepSeconds": "kubernetes.preStopSleepSeconds",
  "server.port": "server.port",
  "server.logFormat": "server.logFormat",
  "server.rustLog": "server.rustLog",
  "server.requestTimeoutSecs": "server.requestTimeoutSecs",
  "server.shutdownTimeoutSecs": "server.shutdownTimeoutSecs",
  "cors.enabled": "cors.enabled",
  "cors.origins": "cors.origins",
  "schema.source": "schema.source",
  "redis.enabled": "redis.enabled",
  "database.existingSecret": "database.existingSecret",
  "database.secretKey": "database.secretKey",
  "database.poolMinSize": "database.poolMinSize",
  "database.poolMaxSize": "database.poolMaxSize",
  "networkPolicy.enabled": "networkPolicy.enabled",
  "networkPolicy.clientNamespaces": "networkPolicy.clientNamespaces",
  "networkPolicy.databaseCidrs": "networkPolicy.databaseCidrs",
  "networkPolicy.databasePort": "networkPolicy.databasePort",
  "metrics.enabled": "metrics.enabled",
  "metrics.existingSecret": "metrics.existingSecret",
  "metrics.secretKey": "metrics.secretKey",
  "metrics.prometheusNamespace": "metrics.prometheusNamespace",
  "metrics.serviceMonitor.enabled": "metrics.serviceMonitor",
  "tracing.otlpEndpoint": "tracing.otlpEndpoint",
  "tracing.serviceName": "app.name",
};

/**
 * values.yaml keys whose default is computed from answers (src/generate/context.ts) but whose valid range
 * is their own (a Service may listen on port 80; the server may not): values path -> what it is rendered from.
 */
export const valuesDerivedFromAnswers: Readonly<Record<string, string>> = {
  "service.port": "server.port",
  "ingress.tls.secretName": "derived.tlsSecretName",
  "schema.existingConfigMap": "derived.schemaObjectName",
  "schema.existingSecret": "derived.schemaObjectName",
};

/** A JSON Schema fragment for one answer: the same rules the wizard and the answers file apply. */
export function fieldSchema(field: Field): Schema {
  const text: Schema = { title: field.message, description: field.help };
  const stringRules = (): Schema => ({
    type: "string",
    ...(field.choices ? { enum: field.choices.map((c) => c.value) } : {}),
    ...(field.pattern ? { pattern: field.pattern.regex.source } : {}),
    ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
    ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
  });
  switch (field.type) {
    case "integer":
      return {
        ...text,
        type: "integer",
        ...(field.minimum !== undefined ? { minimum: field.minimum } : {}),
        ...(field.maximum !== undefined ? { maximum: field.maximum } : {}),
      };
    case "boolean":
      return { ...text, type: "boolean" };
    case "string":
    case "enum":
      return { ...text, ...stringRules() };
    case "string-list":
    case "enum-list":
      return {
        ...text,
        type: "array",
        items: stringRules(),
        uniqueItems: true,
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
      };
  }
}

/** The schema of a values key whose default is an answer (see valuesFromAnswers). */
function fromAnswer(valuesPath: string, extra: Schema = {}): Schema {
  const key = valuesFromAnswers[valuesPath];
  const field = key === undefined ? undefined : fieldByKey(key);
  if (!field) throw new Error(`values key ${valuesPath} maps to no answer field`);
  return { ...fieldSchema(field), ...extra };
}

/** Rules reused for keys that are not answers but follow the same format as one. */
function likeAnswer(answerKey: string, description: string, extra: Schema = {}): Schema {
  const field = fieldByKey(answerKey);
  if (!field) throw new Error(`no answer field ${answerKey}`);
  const { title: _title, description: _help, ...rules } = fieldSchema(field);
  return { description, ...rules, ...extra };
}

/** An object with exactly these properties, all required. */
function object(description: string, properties: Record<string, Schema>, options: { optional?: string[]; open?: boolean } = {}): Schema {
  const optional = new Set(options.optional ?? []);
  return {
    description,
    type: "object",
    properties,
    required: Object.keys(properties).filter((k) => !optional.has(k)),
    additionalProperties: options.open === true,
  };
}

/** JSON Schema "if property == value then these keys are required": the answers' `when` conditions. */
function requiredWhen(property: string, value: unknown, keys: string[]): Schema {
  return {
    if: { properties: { [property]: { const: value } }, required: [property] },
    then: { required: keys },
  };
}

const str = (description: string, extra: Schema = {}): Schema => ({ description, type: "string", ...extra });
const bool = (description: string): Schema => ({ description, type: "boolean" });
const int = (description: string, minimum: number, maximum: number): Schema => ({ description, type: "integer", minimum, maximum });
const stringMap = (description: string): Schema => ({ description, type: "object", additionalProperties: { type: "string" } });
const anyObject = (description: string): Schema => ({ description, type: "object" });
const objectList = (description: string): Schema => ({ description, type: "array", items: { type: "object" } });

const dns1123Subdomain = (description: string): Schema => likeAnswer("database.existingSecret", description);
const memoryQuantity = (description: string): Schema => likeAnswer("resources.requests.memory", description);

const digestPattern = "^(|sha256:[a-f0-9]{64})$";

function probe(description: string): Schema {
  return object(description, {
    periodSeconds: int("How often (seconds) the kubelet probes.", 1, 300),
    timeoutSeconds: int("Seconds after which one probe counts as failed.", 1, 60),
    failureThreshold: int("Consecutive failures before the kubelet acts.", 1, 1000),
  });
}

const seccompProfile: Schema = object(
  "Seccomp profile; Pod Security \"restricted\" allows RuntimeDefault or Localhost only.",
  {
    type: { type: "string", enum: ["RuntimeDefault", "Localhost"] },
    localhostProfile: { type: "string", minLength: 1 },
  },
  { optional: ["localhostProfile"] },
);

const nonRootId = (description: string): Schema => int(description, 1, 2147483647);

function podSecurityContext(): Schema {
  return object(
    "Pod securityContext. The defaults meet Pod Security \"restricted\" and the kube-score UID/GID >= 10000 rule; keys outside this list are rejected.",
    {
      runAsNonRoot: { description: "Must stay true (Pod Security \"restricted\").", const: true },
      runAsUser: nonRootId("UID of the server process (65532 = nonroot in the images)."),
      runAsGroup: nonRootId("GID of the server process."),
      fsGroup: nonRootId("Group that owns mounted volumes."),
      fsGroupChangePolicy: { description: "When the kubelet re-owns volumes.", type: "string", enum: ["OnRootMismatch", "Always"] },
      supplementalGroups: { description: "Extra groups of the process.", type: "array", items: { type: "integer", minimum: 1 } },
      seccompProfile,
    },
    { optional: ["supplementalGroups", "fsGroupChangePolicy"] },
  );
}

function containerSecurityContext(): Schema {
  return object(
    "Container securityContext of fraiseql-server (and of the helm test pod). The defaults meet Pod Security \"restricted\"; the fields that standard requires are fixed.",
    {
      allowPrivilegeEscalation: { description: "Must stay false (Pod Security \"restricted\").", const: false },
      readOnlyRootFilesystem: bool("The server writes only to /tmp (an emptyDir); keep true."),
      privileged: { description: "Must stay false.", const: false },
      runAsNonRoot: { description: "Must stay true.", const: true },
      runAsUser: nonRootId("UID of the server process."),
      runAsGroup: nonRootId("GID of the server process."),
      capabilities: object("Linux capabilities: all dropped; NET_BIND_SERVICE is the only one \"restricted\" allows to add (not needed: the port is above 1023).", {
        drop: { type: "array", items: { type: "string" }, contains: { const: "ALL" } },
        add: { type: "array", items: { type: "string", enum: ["NET_BIND_SERVICE"] } },
      }, { optional: ["add"] }),
      seccompProfile,
    },
  );
}

/** The whole values.yaml of the fraiseql chart. */
export function buildValuesSchema(): object {
  const image = object("The fraiseql-server image built by the generated Dockerfiles.", {
    repository: fromAnswer("image.repository"),
    // The answer's own rule (its `check`): never latest.
    tag: fromAnswer("image.tag", { not: { const: "latest" } }),
    digest: str("sha256:<64 hex digits> of the deployed variant's image; when set it replaces the tag (repository@digest). Empty: deploy by tag.", { pattern: digestPattern }),
    variant: fromAnswer("image.variant"),
    pullPolicy: fromAnswer("image.pullPolicy"),
  });

  const autoscaling = object("HorizontalPodAutoscaler (autoscaling/v2). When enabled the Deployment has no replicas field; maxReplicas must exceed minReplicas.", {
    enabled: fromAnswer("autoscaling.enabled"),
    minReplicas: fromAnswer("autoscaling.minReplicas"),
    maxReplicas: fromAnswer("autoscaling.maxReplicas"),
    targetCPUUtilizationPercentage: fromAnswer("autoscaling.targetCPUUtilizationPercentage"),
    targetMemoryUtilizationPercentage: fromAnswer("autoscaling.targetMemoryUtilizationPercentage"),
    scaleDownStabilizationWindowSeconds: int("Seconds the HPA waits before scaling down (behavior.scaleDown.stabilizationWindowSeconds).", 0, 3600),
  });

  const service = object("The Service in front of the pods.", {
    type: {
      description: "ClusterIP (default): reach the API through the Ingress. NodePort and LoadBalancer expose plain HTTP (fraiseql-server has no TLS).",
      type: "string",
      enum: ["ClusterIP", "NodePort", "LoadBalancer"],
    },
    port: int("Port of the Service (targets the container port named http).", 1, 65535),
    annotations: stringMap("Annotations of the Service (e.g. for a cloud load balancer)."),
  });

  const ingressTls = object(
    "TLS at the Ingress, with a certificate from cert-manager.",
    {
      enabled: fromAnswer("ingress.tls.enabled"),
      clusterIssuer: fromAnswer("ingress.tls.clusterIssuer"),
      secretName: dns1123Subdomain("Secret cert-manager writes the certificate into."),
    },
    { optional: ["clusterIssuer"] },
  );
  const ingress: Schema = {
    ...object(
      "Ingress (networking.k8s.io/v1). fraiseql-server speaks plain HTTP only: TLS ends here.",
      {
        enabled: fromAnswer("ingress.enabled"),
        className: fromAnswer("ingress.className"),
        host: fromAnswer("ingress.host"),
        controllerNamespace: fromAnswer("ingress.controllerNamespace"),
        annotations: stringMap("Extra Ingress annotations for your controller (cert-manager's is added when tls.enabled)."),
        tls: ingressTls,
      },
      { optional: ["host", "className", "controllerNamespace"] },
    ),
    // The answers ask these only with the Ingress on (and TLS on); the templates also `required` them.
    allOf: [
      requiredWhen("enabled", true, ["host", "className", "controllerNamespace"]),
      {
        if: { properties: { enabled: { const: true }, tls: { type: "object", properties: { enabled: { const: true } }, required: ["enabled"] } }, required: ["enabled", "tls"] },
        then: { properties: { tls: { type: "object", required: ["clusterIssuer"] } } },
      },
    ],
  };

  const httpRoute: Schema = {
    ...object("Gateway API HTTPRoute (gateway.networking.k8s.io/v1); TLS is configured on the Gateway.", {
      enabled: bool("Create the HTTPRoute."),
      parentRefs: { description: "Gateways to attach to (ParentReference objects: name, namespace, sectionName...).", type: "array", items: { type: "object", required: ["name"] } },
      hostnames: { description: "Host names served; empty: ingress.host.", type: "array", items: likeAnswer("ingress.host", "A host name."), uniqueItems: true },
      gatewayNamespace: { description: "Namespace of the Gateway's proxy pods, admitted by the NetworkPolicy (empty: none).", anyOf: [{ const: "" }, likeAnswer("ingress.controllerNamespace", "Namespace name.")] },
    }),
    if: { properties: { enabled: { const: true } }, required: ["enabled"] },
    then: { properties: { parentRefs: { type: "array", minItems: 1 } } },
  };

  const quantities = (description: string, answered: "requests" | "limits"): Schema =>
    object(description, {
      cpu: fromAnswer(`resources.${answered}.cpu`),
      memory: fromAnswer(`resources.${answered}.memory`),
      ephemeralStorage: memoryQuantity(answered === "requests" ? "Ephemeral storage (/tmp and logs) guaranteed per pod." : "Ephemeral storage ceiling per pod; the pod is evicted above it."),
    });
  const resources = object("Resources of the fraiseql-server container (kube-score and Polaris want requests and limits for cpu, memory and ephemeral storage).", {
    requests: quantities("Guaranteed resources per pod.", "requests"),
    limits: quantities("Resource ceilings per pod.", "limits"),
  });

  const probes = object("Health checks. Startup and readiness call GET /readiness (it runs SELECT 1, so a pod leaves the endpoints while the database is down); liveness is a TCP check on the port, never /health, which fails with the database and would restart every pod.", {
    startup: probe("startupProbe: GET /readiness until the server has loaded the schema and opened the pool."),
    readiness: probe("readinessProbe: GET /readiness."),
    liveness: probe("livenessProbe: TCP connect to the http port."),
  });

  const lifecycle = object("Shutdown. terminationGracePeriodSeconds = preStopSleepSeconds + server.requestTimeoutSecs + server.shutdownTimeoutSecs + 5.", {
    preStopSleepSeconds: fromAnswer("lifecycle.preStopSleepSeconds"),
  });

  const server = object("fraiseql-server settings (environment variables and the server.toml ConfigMap).", {
    port: fromAnswer("server.port"),
    logFormat: fromAnswer("server.logFormat"),
    rustLog: fromAnswer("server.rustLog"),
    requestTimeoutSecs: fromAnswer("server.requestTimeoutSecs"),
    shutdownTimeoutSecs: fromAnswer("server.shutdownTimeoutSecs"),
  });

  const cors: Schema = {
    ...object("CORS, set in server.toml (the only place the server reads it).", {
      enabled: fromAnswer("cors.enabled"),
      origins: fromAnswer("cors.origins"),
    }),
    // The answers' cross-field rule: production refuses CORS on with no origins.
    if: { properties: { enabled: { const: true } }, required: ["enabled"] },
    then: { properties: { origins: { type: "array", minItems: 1 } } },
  };

  const schema: Schema = {
    ...object("Where the compiled schema (schema.compiled.json) comes from; the server exits at boot without it.", {
      source: fromAnswer("schema.source"),
      existingConfigMap: dns1123Subdomain("ConfigMap holding schema.compiled.json (schema.source=configmap); create it yourself, at most 1 MiB."),
      existingSecret: dns1123Subdomain("Secret holding schema.compiled.json (schema.source=secret); create it yourself, at most 1 MiB."),
    }, { optional: ["existingConfigMap", "existingSecret"] }),
    allOf: [requiredWhen("source", "configmap", ["existingConfigMap"]), requiredWhen("source", "secret", ["existingSecret"])],
  };

  const database = object("PostgreSQL. DATABASE_URL comes from an existing Secret; the chart never creates or renders one.", {
    existingSecret: fromAnswer("database.existingSecret"),
    secretKey: fromAnswer("database.secretKey"),
    poolMinSize: fromAnswer("database.poolMinSize"),
    poolMaxSize: fromAnswer("database.poolMaxSize"),
  });

  const secrets = object("Secrets the pods read are never created by the chart (database.existingSecret, metrics.existingSecret, schema.existingSecret).", {
    rotation: str("Any text; change it after rotating one of those Secrets so helm upgrade restarts the pods (annotation checksum/secrets). Empty: no annotation.", { maxLength: 253 }),
  });

  const security = object("Pod and container security contexts (Pod Security \"restricted\").", {
    podSecurityContext: podSecurityContext(),
    containerSecurityContext: containerSecurityContext(),
  });

  const serviceAccount = object("A dedicated ServiceAccount; fraiseql-server never calls the Kubernetes API, so no token is mounted.", {
    create: bool("Create the ServiceAccount."),
    name: {
      description: "Its name (default: the release's full name). With create=false, an existing ServiceAccount.",
      anyOf: [{ const: "" }, dns1123Subdomain("ServiceAccount name.")],
    },
    automount: bool("Mount an API token into the pods (keep false: the server does not use it)."),
    annotations: stringMap("Annotations of the ServiceAccount (e.g. cloud IAM role bindings)."),
  });

  const networkPolicy = object("NetworkPolicy: default deny both ways, then only what the server needs (ingress controller, Prometheus, client namespaces, the helm test pod; DNS, PostgreSQL, the OTLP collector, Redis).", {
    enabled: fromAnswer("networkPolicy.enabled"),
    clientNamespaces: fromAnswer("networkPolicy.clientNamespaces"),
    databaseCidrs: fromAnswer("networkPolicy.databaseCidrs"),
    databasePort: fromAnswer("networkPolicy.databasePort"),
    extraIngress: objectList("Extra ingress rules (NetworkPolicyIngressRule objects), e.g. for in-cluster clients."),
    extraEgress: objectList("Extra egress rules (NetworkPolicyEgressRule objects), e.g. HTTPS to an identity provider."),
  });

  const podDisruptionBudget = object("PodDisruptionBudget (policy/v1); created only when the minimum replica count is 2 or more.", {
    enabled: bool("Create the budget (when there are at least 2 replicas)."),
    maxUnavailable: int("Pods a voluntary disruption may take down at once.", 1, 100),
    unhealthyPodEvictionPolicy: {
      description: "AlwaysAllow: pods that are not ready never block a drain (set on Kubernetes 1.27+).",
      type: "string",
      enum: ["AlwaysAllow", "IfHealthyBudget"],
    },
  });

  const preset = (description: string): Schema => ({ description, type: "string", enum: ["soft", "none"] });

  const metrics: Schema = {
    ...object(
      "Prometheus metrics on /metrics (same port), protected by a bearer token read from an existing Secret.",
      {
        enabled: fromAnswer("metrics.enabled"),
        existingSecret: fromAnswer("metrics.existingSecret"),
        secretKey: fromAnswer("metrics.secretKey"),
        prometheusNamespace: fromAnswer("metrics.prometheusNamespace"),
        serviceMonitor: object("Prometheus Operator ServiceMonitor (monitoring.coreos.com/v1).", {
          enabled: fromAnswer("metrics.serviceMonitor.enabled"),
          interval: str("Scrape interval.", { pattern: "^[0-9]+(ms|s|m|h)$" }),
          scrapeTimeout: str("Scrape timeout (shorter than the interval).", { pattern: "^[0-9]+(ms|s|m|h)$" }),
          labels: stringMap("Extra labels, e.g. the release label your Prometheus selects ServiceMonitors by."),
        }),
      },
      { optional: ["existingSecret", "secretKey", "prometheusNamespace"] },
    ),
    // The answers ask these only with metrics on; the templates also `required` them.
    ...requiredWhen("enabled", true, ["existingSecret", "secretKey", "prometheusNamespace"]),
  };

  const tracing = object("OpenTelemetry traces (needs the tracing-opentelemetry cargo feature in the image).", {
    otlpEndpoint: fromAnswer("tracing.otlpEndpoint"),
    // tracing_service_name in server.toml: the application name.
    serviceName: fromAnswer("tracing.serviceName"),
  });

  const redis = object("Redis (rate limiting, APQ, PKCE state). The URL lives in the compiled schema; this only opens NetworkPolicy egress to port 6379.", {
    enabled: fromAnswer("redis.enabled"),
  });

  const tests = object("The helm test pod (GET /readiness through the Service).", {
    enabled: bool("Render the test pod (and its NetworkPolicy rules)."),
    image: object("A small image with wget.", {
      repository: str("Image repository.", { minLength: 1 }),
      tag: str("Image tag (never latest).", { pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", not: { const: "latest" } }),
      digest: str("sha256:<64 hex digits>; when set it replaces the tag.", { pattern: digestPattern }),
      pullPolicy: { description: "Image pull policy.", type: "string", enum: ["Always", "IfNotPresent"] },
    }),
  });

  const properties: Record<string, Schema> = {
    nameOverride: str("Replaces the chart name (fraiseql) in the app.kubernetes.io/name label.", { pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$", maxLength: 63 }),
    fullnameOverride: str("Name of every object (default: the release name).", { pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$", maxLength: 63 }),
    image,
    imagePullSecrets: { description: "docker-registry Secrets for a private registry.", type: "array", items: { type: "object", properties: { name: { type: "string", minLength: 1 } }, required: ["name"], additionalProperties: false } },
    replicaCount: fromAnswer("replicaCount"),
    revisionHistoryLimit: int("Old ReplicaSets kept for rollback.", 0, 100),
    autoscaling,
    service,
    ingress,
    httpRoute,
    resources,
    probes,
    lifecycle,
    server,
    cors,
    schema,
    redis,
    database,
    secrets,
    security,
    serviceAccount,
    networkPolicy,
    podDisruptionBudget,
    podAntiAffinityPreset: preset("soft: prefer one pod per node (used when affinity is empty). none: no default anti-affinity."),
    topologySpreadPreset: preset("soft: spread pods over zones and nodes, ScheduleAnyway (used when topologySpreadConstraints is empty). none: no default spread."),
    affinity: anyObject("Pod affinity (replaces the podAntiAffinityPreset default when set)."),
    topologySpreadConstraints: objectList("Pod topologySpreadConstraints (replace the topologySpreadPreset default when set)."),
    nodeSelector: stringMap("Node labels the pods must run on."),
    tolerations: objectList("Tolerations of the pods."),
    priorityClassName: { description: "PriorityClass of the pods (empty: the cluster default).", anyOf: [{ const: "" }, dns1123Subdomain("PriorityClass name.")] },
    metrics,
    tracing,
    podAnnotations: stringMap("Extra pod annotations."),
    podLabels: stringMap("Extra pod labels (never app.kubernetes.io/name or instance: those are the selector)."),
    tests,
  };

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "Values of the fraiseql Helm chart (generated by fraiseql-deploy from its answers schema)",
    type: "object",
    properties: {
      ...properties,
      // Helm passes `global` to every chart; allowed so the chart also works as a subchart.
      global: { description: "Helm global values (unused by this chart).", type: "object" },
    },
    required: Object.keys(properties),
    additionalProperties: false,
  };
}
