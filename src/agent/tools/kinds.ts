/**
 * Kinds the model may read, by the plural the ClusterReader takes. Secrets are listable (the
 * reader returns metadata only, which is all a missing-secret diagnosis needs) but never fetched.
 */
export interface ReadableKind {
  plural: string;
  kind: string;
  namespaced: boolean;
}

const KINDS: ReadableKind[] = [
  { plural: "pods", kind: "Pod", namespaced: true },
  { plural: "deployments", kind: "Deployment", namespaced: true },
  { plural: "replicasets", kind: "ReplicaSet", namespaced: true },
  { plural: "statefulsets", kind: "StatefulSet", namespaced: true },
  { plural: "daemonsets", kind: "DaemonSet", namespaced: true },
  { plural: "jobs", kind: "Job", namespaced: true },
  { plural: "cronjobs", kind: "CronJob", namespaced: true },
  { plural: "services", kind: "Service", namespaced: true },
  { plural: "endpoints", kind: "Endpoints", namespaced: true },
  { plural: "events", kind: "Event", namespaced: true },
  { plural: "configmaps", kind: "ConfigMap", namespaced: true },
  { plural: "secrets", kind: "Secret", namespaced: true },
  { plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true },
  { plural: "ingresses", kind: "Ingress", namespaced: true },
  { plural: "networkpolicies", kind: "NetworkPolicy", namespaced: true },
  { plural: "resourcequotas", kind: "ResourceQuota", namespaced: true },
  { plural: "limitranges", kind: "LimitRange", namespaced: true },
  { plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true },
  { plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true },
  { plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true },
  { plural: "nodes", kind: "Node", namespaced: false },
  { plural: "namespaces", kind: "Namespace", namespaced: false },
  { plural: "persistentvolumes", kind: "PersistentVolume", namespaced: false },
  { plural: "storageclasses", kind: "StorageClass", namespaced: false },
  { plural: "ingressclasses", kind: "IngressClass", namespaced: false },
];

const BY_NAME = new Map<string, ReadableKind>();
for (const entry of KINDS) {
  BY_NAME.set(entry.plural, entry);
  BY_NAME.set(entry.kind.toLowerCase(), entry);
}
BY_NAME.set("ep", BY_NAME.get("endpoints")!);
BY_NAME.set("pvc", BY_NAME.get("persistentvolumeclaims")!);
BY_NAME.set("hpa", BY_NAME.get("horizontalpodautoscalers")!);

/** Accepts `Pod`, `pods`, `pvc`…; undefined for kinds the agent does not read. */
export function resolveKind(name: string): ReadableKind | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The kind names the tool descriptions list. */
export const READABLE_KIND_NAMES: readonly string[] = KINDS.map((entry) => entry.kind);
