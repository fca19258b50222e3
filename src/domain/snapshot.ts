import type { Snapshot } from "./types.js";

/** A snapshot with every list empty; collectors and fixtures fill in what they have. */
export function emptySnapshot(
  base: Pick<Snapshot, "collectedAt" | "source" | "scope"> & Partial<Snapshot>,
): Snapshot {
  return {
    namespaces: [],
    nodes: [],
    pods: [],
    deployments: [],
    replicaSets: [],
    statefulSets: [],
    daemonSets: [],
    jobs: [],
    cronJobs: [],
    services: [],
    endpoints: [],
    events: [],
    configMaps: [],
    persistentVolumeClaims: [],
    persistentVolumes: [],
    storageClasses: [],
    ingresses: [],
    ingressClasses: [],
    networkPolicies: [],
    resourceQuotas: [],
    limitRanges: [],
    horizontalPodAutoscalers: [],
    podDisruptionBudgets: [],
    serviceAccounts: [],
    controllerRevisions: [],
    secrets: [],
    argoApplications: [],
    fluxKustomizations: [],
    fluxHelmReleases: [],
    logs: [],
    gaps: [],
    ...base,
  };
}
