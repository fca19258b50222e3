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
  controllerRevisions: true,
  secrets: true,
  argoApplications: true,
  fluxKustomizations: true,
  fluxHelmReleases: true,
};

describe("kind registry", () => {
  it("fills every Snapshot list field from exactly one collected kind", () => {
    const keys = collectedKinds().map((entry) => entry.snapshotKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual((Object.keys(SNAPSHOT_LISTS) as (keyof Snapshot)[]).sort());
  });

  it("collects Secrets only as metadata, and GitOps kinds as optional, in all namespaces", () => {
    const secrets = collectedKinds().filter((entry) => entry.plural === "secrets");
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.metadataOnly).toBe(true);
    expect(
      collectedKinds()
        .filter((entry) => entry.metadataOnly)
        .map((entry) => entry.plural),
    ).toEqual(["secrets"]);
    for (const plural of ["applications", "kustomizations", "helmreleases"]) {
      expect(kindInfo(plural).optional, plural).toBe(true);
      expect(kindInfo(plural).allNamespaces, plural).toBe(true);
    }
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
