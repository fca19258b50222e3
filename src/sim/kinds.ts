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
  /**
   * A `metrics.k8s.io` resource (get/list only): computed by the simulated metrics-server when the
   * model runs, else the PodMetrics/NodeMetrics a state file recorded; not served without either.
   */
  metrics?: boolean;
}

const ALL_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const READ_VERBS = ["get", "list", "watch"];

const EVENT_FIELDS = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];
const POD_FIELDS = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName"];

type Scope = "namespaced" | "cluster";
type Traits = Omit<Partial<KindSpec>, "group" | "version" | "plural" | "kind" | "namespaced">;

/** One registry entry; the singular name is the lower-cased kind, as for every built-in kind. */
function kind(apiVersion: string, plural: string, name: string, scope: Scope, traits: Traits = {}): KindSpec {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return {
    group: group ?? "",
    version: version ?? "v1",
    plural,
    singular: name.toLowerCase(),
    kind: name,
    namespaced: scope === "namespaced",
    ...traits,
  };
}

const workload = { generation: true, statusSubresource: true, categories: ["all"] };
const withStatus = { statusSubresource: true };

/** Every kind the server serves, in discovery order. */
export const KINDS: readonly KindSpec[] = [
  kind("v1", "namespaces", "Namespace", "cluster", {
    shortNames: ["ns"],
    ...withStatus,
    fieldLabels: ["status.phase"],
  }),
  kind("v1", "nodes", "Node", "cluster", {
    shortNames: ["no"],
    ...withStatus,
    fieldLabels: ["spec.unschedulable"],
  }),
  kind("v1", "pods", "Pod", "namespaced", {
    shortNames: ["po"],
    categories: ["all"],
    ...withStatus,
    fieldLabels: [
      ...POD_FIELDS,
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  }),
  kind("v1", "services", "Service", "namespaced", {
    shortNames: ["svc"],
    categories: ["all"],
    ...withStatus,
  }),
  kind("v1", "endpoints", "Endpoints", "namespaced", { shortNames: ["ep"] }),
  kind("v1", "events", "Event", "namespaced", {
    shortNames: ["ev"],
    fieldLabels: [
      ...EVENT_FIELDS.map((field) => `involvedObject.${field}`),
      "reason",
      "reportingComponent",
      "source",
      "type",
    ],
  }),
  kind("v1", "configmaps", "ConfigMap", "namespaced", { shortNames: ["cm"] }),
  kind("v1", "secrets", "Secret", "namespaced", { fieldLabels: ["type"] }),
  kind("v1", "persistentvolumeclaims", "PersistentVolumeClaim", "namespaced", {
    shortNames: ["pvc"],
    ...withStatus,
  }),
  kind("v1", "persistentvolumes", "PersistentVolume", "cluster", { shortNames: ["pv"], ...withStatus }),
  kind("v1", "serviceaccounts", "ServiceAccount", "namespaced", { shortNames: ["sa"] }),
  kind("v1", "resourcequotas", "ResourceQuota", "namespaced", { shortNames: ["quota"], ...withStatus }),
  kind("v1", "limitranges", "LimitRange", "namespaced", { shortNames: ["limits"] }),
  kind("apps/v1", "deployments", "Deployment", "namespaced", {
    shortNames: ["deploy"],
    ...workload,
    scale: true,
  }),
  kind("apps/v1", "replicasets", "ReplicaSet", "namespaced", {
    shortNames: ["rs"],
    ...workload,
    scale: true,
    fieldLabels: ["status.replicas"],
  }),
  kind("apps/v1", "statefulsets", "StatefulSet", "namespaced", {
    shortNames: ["sts"],
    ...workload,
    scale: true,
  }),
  kind("apps/v1", "daemonsets", "DaemonSet", "namespaced", { shortNames: ["ds"], ...workload }),
  kind("apps/v1", "controllerrevisions", "ControllerRevision", "namespaced"),
  kind("batch/v1", "jobs", "Job", "namespaced", { ...workload, fieldLabels: ["status.successful"] }),
  kind("batch/v1", "cronjobs", "CronJob", "namespaced", { shortNames: ["cj"], ...workload }),
  kind("networking.k8s.io/v1", "ingresses", "Ingress", "namespaced", {
    shortNames: ["ing"],
    generation: true,
    ...withStatus,
  }),
  kind("networking.k8s.io/v1", "ingressclasses", "IngressClass", "cluster", { generation: true }),
  kind("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", "namespaced", {
    shortNames: ["netpol"],
    generation: true,
  }),
  kind("storage.k8s.io/v1", "storageclasses", "StorageClass", "cluster", { shortNames: ["sc"] }),
  kind("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", "namespaced", {
    shortNames: ["hpa"],
    ...workload,
  }),
  kind("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", "namespaced", {
    shortNames: ["pdb"],
    generation: true,
    ...withStatus,
  }),
  kind("events.k8s.io/v1", "events", "Event", "namespaced", {
    shortNames: ["ev"],
    viewOf: "Event",
    fieldLabels: [
      ...EVENT_FIELDS.map((field) => `regarding.${field}`),
      "reason",
      "reportingController",
      "type",
    ],
  }),
  // GitOps controllers' custom resources, served as unstructured objects (what they are to anyone
  // but their controller): enough for Argo CD and Flux status to be read like on a real cluster.
  kind("argoproj.io/v1alpha1", "applications", "Application", "namespaced", {
    shortNames: ["app", "apps"],
    categories: ["argoproj"],
    generation: true,
  }),
  kind("kustomize.toolkit.fluxcd.io/v1", "kustomizations", "Kustomization", "namespaced", {
    shortNames: ["ks"],
    generation: true,
    ...withStatus,
  }),
  kind("helm.toolkit.fluxcd.io/v2", "helmreleases", "HelmRelease", "namespaced", {
    shortNames: ["hr"],
    generation: true,
    ...withStatus,
  }),
  kind("rbac.authorization.k8s.io/v1", "roles", "Role", "namespaced"),
  kind("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", "namespaced"),
  kind("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", "cluster"),
  kind("rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", "cluster"),
  kind("authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", "cluster", {
    review: true,
  }),
  // What metrics-server serves through its APIService (see metrics-server.ts).
  kind("metrics.k8s.io/v1beta1", "nodes", "NodeMetrics", "cluster", { metrics: true }),
  kind("metrics.k8s.io/v1beta1", "pods", "PodMetrics", "namespaced", { metrics: true }),
];

/** "apps/v1" or "v1". */
export function groupVersion(spec: Pick<KindSpec, "group" | "version">): string {
  return spec.group ? `${spec.group}/${spec.version}` : spec.version;
}

/** Verbs discovery advertises for a kind. */
export function kindVerbs(spec: KindSpec): string[] {
  if (spec.review) return ["create"];
  if (spec.metrics) return ["get", "list"];
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
export function apiGroups(
  served: (spec: KindSpec) => boolean = () => true,
): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const spec of KINDS) {
    if (!spec.group || !served(spec)) continue;
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
