/**
 * The registry of resource kinds the simulated API server serves: their API coordinates, how they
 * behave (namespaced, generation, status subresource) and what discovery advertises for them.
 */

/** One servable resource. */
export interface KindSpec {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** metadata.generation is kept and bumped on spec changes. */
  generation?: boolean;
  /** The main resource ignores status writes; `/status` carries them (and create resets status). */
  statusSubresource?: boolean;
  /** Served `autoscaling/v1 Scale` subresource. */
  scale?: boolean;
  /** A read-only view of another kind (events.k8s.io Events over core Events). */
  viewOf?: string;
  /** Field labels the server accepts in fieldSelector besides metadata.name/namespace. */
  fieldLabels?: string[];
  /** A create-only review resource answered on the spot and never stored (access reviews). */
  review?: boolean;
}

const ALL_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const READ_VERBS = ["get", "list", "watch"];

const eventFields = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

/** Every kind the server serves, in discovery order. */
export const KINDS: readonly KindSpec[] = [
  {
    group: "",
    version: "v1",
    plural: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    statusSubresource: true,
    fieldLabels: ["status.phase"],
  },
  {
    group: "",
    version: "v1",
    plural: "nodes",
    singular: "node",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
    statusSubresource: true,
    fieldLabels: ["spec.unschedulable"],
  },
  {
    group: "",
    version: "v1",
    plural: "pods",
    singular: "pod",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    statusSubresource: true,
    fieldLabels: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  },
  {
    group: "",
    version: "v1",
    plural: "services",
    singular: "service",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    statusSubresource: true,
  },
  {
    group: "",
    version: "v1",
    plural: "endpoints",
    singular: "endpoints",
    kind: "Endpoints",
    namespaced: true,
    shortNames: ["ep"],
  },
  {
    group: "",
    version: "v1",
    plural: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    fieldLabels: eventFields,
  },
  {
    group: "",
    version: "v1",
    plural: "configmaps",
    singular: "configmap",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    plural: "secrets",
    singular: "secret",
    kind: "Secret",
    namespaced: true,
    fieldLabels: ["type"],
  },
  {
    group: "",
    version: "v1",
    plural: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    kind: "PersistentVolumeClaim",
    namespaced: true,
    shortNames: ["pvc"],
    statusSubresource: true,
  },
  {
    group: "",
    version: "v1",
    plural: "persistentvolumes",
    singular: "persistentvolume",
    kind: "PersistentVolume",
    namespaced: false,
    shortNames: ["pv"],
    statusSubresource: true,
  },
  {
    group: "",
    version: "v1",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
  },
  {
    group: "",
    version: "v1",
    plural: "resourcequotas",
    singular: "resourcequota",
    kind: "ResourceQuota",
    namespaced: true,
    shortNames: ["quota"],
    statusSubresource: true,
  },
  {
    group: "",
    version: "v1",
    plural: "limitranges",
    singular: "limitrange",
    kind: "LimitRange",
    namespaced: true,
    shortNames: ["limits"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "deployments",
    singular: "deployment",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
    scale: true,
  },
  {
    group: "apps",
    version: "v1",
    plural: "replicasets",
    singular: "replicaset",
    kind: "ReplicaSet",
    namespaced: true,
    shortNames: ["rs"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
    scale: true,
    fieldLabels: ["status.replicas"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "statefulsets",
    singular: "statefulset",
    kind: "StatefulSet",
    namespaced: true,
    shortNames: ["sts"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
    scale: true,
  },
  {
    group: "apps",
    version: "v1",
    plural: "daemonsets",
    singular: "daemonset",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
  },
  {
    group: "apps",
    version: "v1",
    plural: "controllerrevisions",
    singular: "controllerrevision",
    kind: "ControllerRevision",
    namespaced: true,
  },
  {
    group: "batch",
    version: "v1",
    plural: "jobs",
    singular: "job",
    kind: "Job",
    namespaced: true,
    categories: ["all"],
    generation: true,
    statusSubresource: true,
    fieldLabels: ["status.successful"],
  },
  {
    group: "batch",
    version: "v1",
    plural: "cronjobs",
    singular: "cronjob",
    kind: "CronJob",
    namespaced: true,
    shortNames: ["cj"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    plural: "ingresses",
    singular: "ingress",
    kind: "Ingress",
    namespaced: true,
    shortNames: ["ing"],
    generation: true,
    statusSubresource: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    plural: "ingressclasses",
    singular: "ingressclass",
    kind: "IngressClass",
    namespaced: false,
    generation: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    plural: "networkpolicies",
    singular: "networkpolicy",
    kind: "NetworkPolicy",
    namespaced: true,
    shortNames: ["netpol"],
    generation: true,
  },
  {
    group: "storage.k8s.io",
    version: "v1",
    plural: "storageclasses",
    singular: "storageclass",
    kind: "StorageClass",
    namespaced: false,
    shortNames: ["sc"],
  },
  {
    group: "autoscaling",
    version: "v2",
    plural: "horizontalpodautoscalers",
    singular: "horizontalpodautoscaler",
    kind: "HorizontalPodAutoscaler",
    namespaced: true,
    shortNames: ["hpa"],
    categories: ["all"],
    generation: true,
    statusSubresource: true,
  },
  {
    group: "policy",
    version: "v1",
    plural: "poddisruptionbudgets",
    singular: "poddisruptionbudget",
    kind: "PodDisruptionBudget",
    namespaced: true,
    shortNames: ["pdb"],
    generation: true,
    statusSubresource: true,
  },
  {
    group: "events.k8s.io",
    version: "v1",
    plural: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    viewOf: "Event",
    fieldLabels: [
      "regarding.kind",
      "regarding.namespace",
      "regarding.name",
      "regarding.uid",
      "regarding.apiVersion",
      "regarding.resourceVersion",
      "regarding.fieldPath",
      "reason",
      "reportingController",
      "type",
    ],
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "roles",
    singular: "role",
    kind: "Role",
    namespaced: true,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "rolebindings",
    singular: "rolebinding",
    kind: "RoleBinding",
    namespaced: true,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterroles",
    singular: "clusterrole",
    kind: "ClusterRole",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterrolebindings",
    singular: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    namespaced: false,
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    plural: "selfsubjectaccessreviews",
    singular: "selfsubjectaccessreview",
    kind: "SelfSubjectAccessReview",
    namespaced: false,
    review: true,
  },
];

/** "apps/v1" or "v1". */
export function groupVersion(spec: Pick<KindSpec, "group" | "version">): string {
  return spec.group ? `${spec.group}/${spec.version}` : spec.version;
}

/** Verbs discovery advertises for a kind. */
export function kindVerbs(spec: KindSpec): string[] {
  if (spec.review) return ["create"];
  return spec.viewOf ? READ_VERBS : ALL_VERBS;
}

const byRoute = new Map<string, KindSpec>();
const byKind = new Map<string, KindSpec>();
for (const spec of KINDS) {
  byRoute.set(`${groupVersion(spec)}/${spec.plural}`, spec);
  // The storage kind wins over views of it (core Event, not events.k8s.io Event).
  if (!spec.viewOf && !byKind.has(spec.kind)) byKind.set(spec.kind, spec);
}

/** The kind served at `/<apiVersion>/<plural>`, if any. */
export function kindByRoute(apiVersion: string, plural: string): KindSpec | undefined {
  return byRoute.get(`${apiVersion}/${plural}`);
}

/** The storage spec of a kind name ("Pod"), if the server knows it. */
export function kindByName(kind: string): KindSpec | undefined {
  return byKind.get(kind);
}

/** The storage spec for an object's apiVersion+kind, if known; `undefined` for unknown kinds. */
export function kindForObject(
  apiVersion: string | undefined,
  kind: string | undefined,
): KindSpec | undefined {
  if (!kind) return undefined;
  const spec = byKind.get(kind);
  if (!spec) return undefined;
  if (apiVersion === undefined || apiVersion === groupVersion(spec)) return spec;
  // An events.k8s.io Event in a state file is still an Event; other version mismatches are unknown.
  return KINDS.find((candidate) => candidate.kind === kind && groupVersion(candidate) === apiVersion);
}

/** The API groups with their versions, in discovery order. */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const spec of KINDS) {
    if (!spec.group) continue;
    const versions = groups.get(spec.group) ?? [];
    if (!versions.includes(spec.version)) versions.push(spec.version);
    groups.set(spec.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

/** `pods` or `deployments.apps`, as used in error messages. */
export function qualifiedResource(spec: Pick<KindSpec, "group" | "plural">): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}
