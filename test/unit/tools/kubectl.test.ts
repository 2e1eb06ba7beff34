import { describe, expect, it } from "vitest";
import {
  createArgs,
  deleteNamespaceArgs,
  dryRunApplyArgs,
  getNamespaceArgs,
  getServiceAccountArgs,
  isKindNotServed,
  parseDryRun,
  parseNamespace,
  parseServerVersion,
  serverVersionArgs,
} from "../../../src/tools/kubectl.js";

describe("kubectl argv builders", () => {
  it.each([
    [dryRunApplyArgs({}), ["apply", "--dry-run=server", "--server-side", "--force-conflicts", "--field-manager=fraiseql-deploy-verify", "-o", "name", "-f", "-"]],
    [dryRunApplyArgs({ kubeconfig: "/k", context: "prod" }).slice(0, 5), ["--kubeconfig", "/k", "--context", "prod", "apply"]],
    [getNamespaceArgs({ context: "c" }, "acme"), ["--context", "c", "get", "namespace", "acme", "-o", "json", "--ignore-not-found"]],
    [getServiceAccountArgs({}, "acme", "api"), ["get", "serviceaccount", "api", "--namespace", "acme", "-o", "name", "--ignore-not-found"]],
    [createArgs({}), ["create", "--field-manager=fraiseql-deploy-verify", "-o", "name", "-f", "-"]],
    [deleteNamespaceArgs({}, "acme"), ["delete", "namespace", "acme", "--wait=false", "--ignore-not-found"]],
    [serverVersionArgs({ kubeconfig: "/k" }, 3), ["--kubeconfig", "/k", "version", "-o", "json", "--request-timeout=3s"]],
  ])("%j", (args, expected) => {
    expect(args).toEqual(expected);
  });

  it("never stores anything in a dry run: the apply always carries --dry-run=server", () => {
    expect(dryRunApplyArgs({ kubeconfig: "x" })).toContain("--dry-run=server");
  });
});

describe("kubectl output parsers", () => {
  it.each([
    ["", { errors: [], warnings: [] }],
    [
      'Error from server (Invalid): error when creating "STDIN": Deployment.apps "api" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "4": must be less than or equal to cpu limit of 1\n',
      { errors: ['Deployment.apps "api" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "4": must be less than or equal to cpu limit of 1'], warnings: [] },
    ],
    [
      'Error from server (Forbidden): error when creating "STDIN": pods "api-template" is forbidden: violates PodSecurity "restricted:latest": privileged (container "api" must not set securityContext.privileged=true)\n',
      { errors: ['pods "api-template" is forbidden: violates PodSecurity "restricted:latest": privileged (container "api" must not set securityContext.privileged=true)'], warnings: [] },
    ],
    [
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "api" must set securityContext.allowPrivilegeEscalation=false)\ndeployment.apps/api serverside-applied (server dry run)\n',
      { errors: [], warnings: ['would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "api" must set securityContext.allowPrivilegeEscalation=false)'] },
    ],
    ["error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\"\nensure CRDs are installed first\n", {
      errors: ['resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1" ensure CRDs are installed first'],
      warnings: [],
    }],
    [
      'Error from server (Invalid): Deployment.apps "api" is invalid: [spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: field is immutable,\nspec.template.metadata.labels: Invalid value: {"x":"y"}: `selector` does not match template `labels`]\n',
      { errors: ['Deployment.apps "api" is invalid: [spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: field is immutable, spec.template.metadata.labels: Invalid value: {"x":"y"}: `selector` does not match template `labels`]'], warnings: [] },
    ],
    [
      // Captured from kubectl v1.37.2 (server-side apply, dry run) against kube-apiserver v1.37.2.
      'The Deployment "tr" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "4": must be less than or equal to cpu limit of 1\n',
      { errors: ['The Deployment "tr" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "4": must be less than or equal to cpu limit of 1'], warnings: [] },
    ],
  ])("%j", (stderr, expected) => {
    expect(parseDryRun(stderr)).toEqual(expected);
  });

  it.each([
    ['no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"', true],
    ["the server could not find the requested resource", true],
    ['pods "x" is forbidden: violates PodSecurity', false],
  ])("%s: kind not served = %s", (message, expected) => {
    expect(isKindNotServed(message)).toBe(expected);
  });

  it("reads the server version and namespace labels", () => {
    expect(parseServerVersion('{"clientVersion":{"gitVersion":"v1.37.2"},"serverVersion":{"gitVersion":"v1.33.4-eks-1"}}')).toBe("1.33.4");
    expect(parseServerVersion('{"clientVersion":{"gitVersion":"v1.37.2"}}')).toBeUndefined();
    expect(parseServerVersion("not json")).toBeUndefined();
    expect(parseNamespace("")).toBeUndefined();
    expect(parseNamespace('{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"restricted"}},"status":{"phase":"Active"}}')).toEqual({
      labels: { "pod-security.kubernetes.io/enforce": "restricted" },
      terminating: false,
    });
    expect(parseNamespace('{"metadata":{"deletionTimestamp":"2026-12-06T09:00:00Z"},"status":{"phase":"Terminating"}}')).toEqual({ labels: {}, terminating: true });
  });
});
