import { apiGroups, groupVersion, KINDS, type KindSpec, kindVerbs } from "../kinds.js";
import type { DiscoveryRoute } from "./route.js";

/**
 * The legacy (unaggregated) discovery documents: `/api`, `/apis`, `/apis/<group>` and the
 * APIResourceLists that kubectl's RESTMapper and client-node's KubernetesObjectApi read to map
 * kinds to plural resource names.
 */

/** The Kubernetes version the simulated server reports. */
export const SIM_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4-triage-sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-04-22T00:00:00Z",
  goVersion: "go1.23.8",
  compiler: "gc",
  platform: "linux/amd64",
};

function subresources(spec: KindSpec): Record<string, unknown>[] {
  const result: Record<string, unknown>[] = [];
  const base = { singularName: "", namespaced: spec.namespaced };
  if (spec.kind === "Pod") result.push({ ...base, name: "pods/log", kind: "Pod", verbs: ["get"] });
  if (spec.statusSubresource && !spec.viewOf) {
    result.push({
      ...base,
      name: `${spec.plural}/status`,
      kind: spec.kind,
      verbs: ["get", "patch", "update"],
    });
  }
  if (spec.scale) {
    result.push({
      ...base,
      name: `${spec.plural}/scale`,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    });
  }
  return result;
}

function resource(spec: KindSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: spec.plural,
    singularName: spec.singular,
    namespaced: spec.namespaced,
    kind: spec.kind,
    verbs: kindVerbs(spec),
  };
  if (spec.shortNames) entry.shortNames = spec.shortNames;
  if (spec.categories) entry.categories = spec.categories;
  return entry;
}

function groupEntry(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** The discovery document for a route, or undefined when the group/version is not served. */
export function discoveryDocument(
  route: DiscoveryRoute,
  serverAddress: string,
  /** Whether metrics.k8s.io is served (an aggregated API that exists only with metrics-server). */
  metricsServed = false,
): Record<string, unknown> | undefined {
  const served = (spec: KindSpec) => metricsServed || !spec.metrics;
  const groups = () => apiGroups(served);
  switch (route.type) {
    case "core-versions":
      return {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
      };
    case "groups":
      return {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: groups().map((group) => groupEntry(group.name, group.versions)),
      };
    case "group": {
      const group = groups().find((candidate) => candidate.name === route.group);
      return group
        ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group.name, group.versions) }
        : undefined;
    }
    case "resources": {
      const wanted = route.group ? `${route.group}/${route.version}` : route.version;
      const specs = KINDS.filter((spec) => groupVersion(spec) === wanted && served(spec));
      if (specs.length === 0) return undefined;
      return {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: wanted,
        resources: specs.flatMap((spec) => [resource(spec), ...subresources(spec)]),
      };
    }
  }
}
