/**
 * docker buildx: building the argument list and reading the builder's
 * capabilities are pure functions, table-tested; src/commands/build.ts runs them.
 */
export interface BuildRequest {
  dockerfile: string;
  context: string;
  platforms: string[];
  tags: string[];
  output: "push" | "load" | "none";
  sbom: boolean;
  provenance: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  buildArgs: string[];
  metadataFile?: string;
}

export function buildxArgs(req: BuildRequest): string[] {
  const args = ["buildx", "build", "--file", req.dockerfile, "--platform", req.platforms.join(",")];
  for (const tag of req.tags) args.push("--tag", tag);
  if (req.output === "push") args.push("--push");
  if (req.output === "load") args.push("--load");
  if (req.sbom) args.push("--sbom=true");
  if (req.provenance) args.push("--provenance=mode=max");
  for (const spec of req.cacheFrom) args.push("--cache-from", spec);
  for (const spec of req.cacheTo) args.push("--cache-to", spec);
  for (const arg of req.buildArgs) args.push("--build-arg", arg);
  if (req.metadataFile) args.push("--metadata-file", req.metadataFile);
  args.push(req.context);
  return args;
}

/** A command line a person can paste: each word quoted only when it needs it. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export interface BuilderInfo {
  name?: string;
  driver?: string;
  platforms: string[];
}

/** Reads `docker buildx inspect` output (text; there is no JSON form in older buildx). */
export function parseBuildxInspect(output: string): BuilderInfo {
  const name = /^Name:\s*(\S+)/m.exec(output)?.[1];
  const driver = /^Driver:\s*(\S+)/m.exec(output)?.[1];
  const platforms = [
    ...new Set(
      [...output.matchAll(/^Platforms:\s*(.+)$/gm)].flatMap((m) =>
        (m[1] ?? "")
          .split(",")
          .map((p) => p.trim().replace(/\*$/, ""))
          .filter(Boolean),
      ),
    ),
  ];
  return { ...(name ? { name } : {}), ...(driver ? { driver } : {}), platforms };
}

/** The registry host of an image reference, as docker login names it. */
export function registryOf(imageRef: string): string {
  const first = imageRef.split("/")[0] ?? "";
  return imageRef.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/** Whether ~/.docker/config.json has credentials (or a helper) for the registry. */
export function hasCredentials(dockerConfig: unknown, registry: string): boolean {
  if (typeof dockerConfig !== "object" || dockerConfig === null) return false;
  const config = dockerConfig as { auths?: Record<string, unknown>; credHelpers?: Record<string, unknown>; credsStore?: unknown };
  if (typeof config.credsStore === "string" && config.credsStore !== "") return true;
  const keys = registry === "docker.io" ? ["docker.io", "index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io"] : [registry, `https://${registry}`];
  return keys.some((k) => (config.auths && k in config.auths) || (config.credHelpers && k in config.credHelpers));
}

/** Removes the `# syntax=` parser directive, so BuildKit uses its built-in frontend instead of pulling one. */
export function withoutSyntaxDirective(dockerfile: string): string {
  const lines = dockerfile.split("\n");
  const index = lines.findIndex((l) => !/^#\s*\w+\s*=/.test(l));
  const directives = lines.slice(0, index < 0 ? lines.length : index).filter((l) => !/^#\s*syntax\s*=/i.test(l));
  return [...directives, ...lines.slice(index < 0 ? lines.length : index)].join("\n");
}

export function platformProblem(requested: readonly string[], builder: BuilderInfo): string | undefined {
  const normalize = (p: string): string => p.replace(/\/v8$/, "");
  const available = new Set(builder.platforms.map(normalize));
  const missing = requested.filter((p) => !available.has(normalize(p)));
  if (missing.length > 0) {
    return `builder ${builder.name ?? "(default)"} cannot build ${missing.join(", ")} (it supports ${builder.platforms.join(", ") || "nothing reported"}). The Dockerfile cross-compiles, but the runtime stage still needs the target platform: register QEMU with \`docker run --privileged --rm tonistiigi/binfmt --install all\` (or apt-get install qemu-user-static binfmt-support), then \`docker buildx create --use --driver docker-container\``;
  }
  if (requested.length > 1 && builder.driver === "docker") {
    return `builder ${builder.name ?? "default"} uses the "docker" driver, which builds one platform at a time; create a multi-platform builder with \`docker buildx create --use --driver docker-container\` (or enable the containerd image store)`;
  }
  return undefined;
}
