/** The saved answers (`fraiseql-deploy.yaml`). Never holds a secret: only Secret names. */
export interface Answers {
  app: { name: string; description: string; namespace: string };
  image: { repository: string; tag: string; pullPolicy: "Always" | "IfNotPresent" };
  build: {
    platforms: string[];
    rustVersion: string;
    debianRelease: "trixie" | "bookworm";
    cargoPackage: string;
    cargoFeatures: string[];
  };
  schema: { source: "image" | "configmap" | "secret"; compile: boolean; path: string };
  server: {
    source: "crates" | "workspace";
    version: string;
    port: number;
    logFormat: "json" | "text";
    rustLog: string;
    requestTimeoutSecs: number;
    shutdownTimeoutSecs: number;
  };
  ingress: {
    enabled: boolean;
    className: string;
    host: string;
    controllerNamespace: string;
    tls: { enabled: boolean; clusterIssuer: string };
  };
  cors: { enabled: boolean; origins: string[] };
  replicas: number;
  autoscaling: {
    enabled: boolean;
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage: number;
    targetMemoryUtilizationPercentage: number;
  };
  resources: {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
  };
  database: { existingSecret: string; secretKey: string; poolMinSize: number; poolMaxSize: number };
  metrics: {
    enabled: boolean;
    existingSecret: string;
    secretKey: string;
    prometheusNamespace: string;
    serviceMonitor: boolean;
  };
  tracing: { otlpEndpoint: string };
  redis: { enabled: boolean };
  kubernetes: { version: string; preStopSleepSeconds: number };
  networkPolicy: { enabled: boolean; clientNamespaces: string[]; databaseCidrs: string[]; databasePort: number };
  profile: "standard" | "hardened";
}

export type AnswerValue = string | number | boolean | string[];
