import { describe, expect, it } from "vitest";
import type { Snapshot, SnapshotListKey } from "../../../src/domain/types.js";
import { apiVersionOf, collectedKinds, KINDS, kindInfo, resourcePath } from "../../../src/k8s/kinds.js";

// Every list field of a Snapshot; the compiler checks the object covers them all.
const SNAPSHOT_LISTS: Record<NonNullable<SnapshotListKey>, true> = {
  namespaces: true,
  nodes: true,
  pods: true,
  deployments: true,
  replicaSets: true,
  statefulSets: true,
  daemonSets: true,
  jobs: true,
  cronJobs: true,
  services: true,
  endpoints: true,
  events: true,
  configMaps: true,
  persistentVolumeClaims: true,
  persistentVolumes: true,
  storageClasses: true,
  ingresses: true,
  ingressClasses: true,
  networkPolicies: true,
  resourceQuotas: true,
  limitRanges: true,
  horizontalPodAutoscalers: true,
  podDisruptionBudgets: true,
  serviceAccounts: true,
};

describe("kind registry", () => {
  it("fills every Snapshot list field from exactly one collected kind", () => {
    const keys = collectedKinds().map((entry) => entry.snapshotKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual((Object.keys(SNAPSHOT_LISTS) as (keyof Snapshot)[]).sort());
  });

  it("never collects Secrets, and marks them metadata-only", () => {
    expect(collectedKinds().some((entry) => entry.plural === "secrets")).toBe(false);
    expect(kindInfo("secrets").metadataOnly).toBe(true);
  });

  it("scopes exactly the cluster kinds the collector lists once", () => {
    const clusterScoped = KINDS.filter((entry) => !entry.namespaced).map((entry) => entry.plural);
    expect(clusterScoped.sort()).toEqual(
      ["ingressclasses", "namespaces", "nodes", "persistentvolumes", "storageclasses"].sort(),
    );
  });

  it("builds core and grouped REST paths", () => {
    expect(resourcePath(kindInfo("pods"), "prod-api")).toBe("/api/v1/namespaces/prod-api/pods");
    expect(resourcePath(kindInfo("pods"))).toBe("/api/v1/pods");
    expect(resourcePath(kindInfo("deployments"), "a", "web")).toBe(
      "/apis/apps/v1/namespaces/a/deployments/web",
    );
    expect(resourcePath(kindInfo("nodes"), "ignored", "n1")).toBe("/api/v1/nodes/n1");
    expect(apiVersionOf(kindInfo("horizontalpodautoscalers"))).toBe("autoscaling/v2");
    expect(apiVersionOf(kindInfo("events"))).toBe("v1");
  });

  it("rejects an unknown plural with the list of known ones", () => {
    expect(() => kindInfo("widgets")).toThrow(/unknown resource 'widgets'; known: .*pods/);
  });
});
