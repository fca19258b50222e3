import type { SnapshotListKey as ListKey } from "../domain/types.js";

/** A Snapshot list field name. */
export type SnapshotListKey = NonNullable<ListKey>;

import { InputError } from "../errors.js";
import type { KindInfo } from "./reader.js";

/** A kind the reader knows, plus where its items go in a Snapshot (when collected). */
export interface KindEntry extends KindInfo {
  /** Snapshot field the collector fills from this kind; absent for kinds never collected. */
  snapshotKey?: SnapshotListKey;
  /**
   * Served as PartialObjectMetadata only (Secrets): the reader asks for metadata and strips any
   * payload the server sends anyway, so values can never reach a snapshot, Claude or Slack.
   */
  metadataOnly?: boolean;
  /**
   * An extension kind (a CRD such as Argo CD's Application) that many clusters do not serve: a
   * 404 means "not installed" and is no gap.
   */
  optional?: boolean;
  /**
   * Listed in every namespace even when one namespace is triaged: GitOps objects live in their
   * controller's namespace (argocd, flux-system), not in the namespace they deploy to.
   */
  allNamespaces?: boolean;
}

const core = (
  plural: string,
  kind: string,
  namespaced: boolean,
  snapshotKey?: SnapshotListKey,
): KindEntry => ({
  group: "",
  version: "v1",
  plural,
  kind,
  namespaced,
  ...(snapshotKey ? { snapshotKey } : {}),
});

const grouped = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  snapshotKey: SnapshotListKey,
): KindEntry => ({ group, version, plural, kind, namespaced, snapshotKey });

/**
 * Every kind the read path may touch, keyed by plural. Covers each Snapshot list field exactly
 * once; Secrets are listed as metadata only (PartialObjectMetadataList), never with their data.
 */
export const KINDS: readonly KindEntry[] = [
  core("namespaces", "Namespace", false, "namespaces"),
  core("nodes", "Node", false, "nodes"),
  core("persistentvolumes", "PersistentVolume", false, "persistentVolumes"),
  grouped("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, "storageClasses"),
  grouped("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, "ingressClasses"),
  core("pods", "Pod", true, "pods"),
  core("services", "Service", true, "services"),
  core("endpoints", "Endpoints", true, "endpoints"),
  core("events", "Event", true, "events"),
  core("configmaps", "ConfigMap", true, "configMaps"),
  core("persistentvolumeclaims", "PersistentVolumeClaim", true, "persistentVolumeClaims"),
  core("resourcequotas", "ResourceQuota", true, "resourceQuotas"),
  core("limitranges", "LimitRange", true, "limitRanges"),
  core("serviceaccounts", "ServiceAccount", true, "serviceAccounts"),
  { ...core("secrets", "Secret", true, "secrets"), metadataOnly: true },
  grouped("apps", "v1", "deployments", "Deployment", true, "deployments"),
  grouped("apps", "v1", "replicasets", "ReplicaSet", true, "replicaSets"),
  grouped("apps", "v1", "statefulsets", "StatefulSet", true, "statefulSets"),
  grouped("apps", "v1", "daemonsets", "DaemonSet", true, "daemonSets"),
  grouped("batch", "v1", "jobs", "Job", true, "jobs"),
  grouped("batch", "v1", "cronjobs", "CronJob", true, "cronJobs"),
  grouped("networking.k8s.io", "v1", "ingresses", "Ingress", true, "ingresses"),
  grouped("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "networkPolicies"),
  grouped(
    "autoscaling",
    "v2",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    true,
    "horizontalPodAutoscalers",
  ),
  grouped("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "podDisruptionBudgets"),
  grouped("apps", "v1", "controllerrevisions", "ControllerRevision", true, "controllerRevisions"),
  {
    ...grouped("argoproj.io", "v1alpha1", "applications", "Application", true, "argoApplications"),
    optional: true,
    allNamespaces: true,
  },
  {
    ...grouped(
      "kustomize.toolkit.fluxcd.io",
      "v1",
      "kustomizations",
      "Kustomization",
      true,
      "fluxKustomizations",
    ),
    optional: true,
    allNamespaces: true,
  },
  {
    ...grouped("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease", true, "fluxHelmReleases"),
    optional: true,
    allNamespaces: true,
  },
];

const byPlural = new Map(KINDS.map((entry) => [entry.plural, entry]));
const byKind = new Map(KINDS.map((entry) => [entry.kind, entry]));

/** The registry entry for a plural (`pods`), or an InputError naming the known plurals. */
export function kindInfo(plural: string): KindEntry {
  const entry = byPlural.get(plural);
  if (!entry) {
    throw new InputError(
      "UNKNOWN_KIND",
      `unknown resource '${plural}'; known: ${[...byPlural.keys()].sort().join(", ")}`,
    );
  }
  return entry;
}

/** The registry entry for a Kind (`Pod`), if known. */
export function kindByName(kind: string): KindEntry | undefined {
  return byKind.get(kind);
}

/** `apiVersion` as objects carry it: `v1` for core, `apps/v1` otherwise. */
export function apiVersionOf(info: KindInfo): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

/** The REST path of a collection or one object: `/api/v1/namespaces/ns/pods[/name]`. */
export function resourcePath(info: KindInfo, namespace?: string, name?: string): string {
  const base = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const scope = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const tail = name === undefined ? "" : `/${encodeURIComponent(name)}`;
  return `${base}${scope}/${info.plural}${tail}`;
}

/** Kinds the collector lists, cluster-scoped ones first (they are few and cheap); Secrets as metadata. */
export function collectedKinds(): (KindEntry & { snapshotKey: SnapshotListKey })[] {
  return KINDS.filter((entry): entry is KindEntry & { snapshotKey: SnapshotListKey } =>
    Boolean(entry.snapshotKey),
  );
}
