import type { Change } from "../domain/changes.js";
import type { KubeObject } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import { refTo } from "./refs.js";

/**
 * GitOps owners: Argo CD (the `argocd.argoproj.io/instance` label or the tracking-id annotation)
 * and Flux (`kustomize.toolkit.fluxcd.io/*`, `helm.toolkit.fluxcd.io/*` labels), and the state of
 * their Application, Kustomization and HelmRelease objects when those are readable.
 */

/** The GitOps object that owns a live object. */
export interface GitOpsOwner {
  tool: "argocd" | "flux";
  kind: "Application" | "Kustomization" | "HelmRelease";
  name: string;
  /** Namespace of the owning object, when known (Argo CD's labels do not say). */
  namespace?: string;
}

/** The GitOps objects of a snapshot. */
export interface GitOpsObjects {
  argoApplications: KubeObject[];
  fluxKustomizations: KubeObject[];
  fluxHelmReleases: KubeObject[];
}

const ARGO_INSTANCE = "argocd.argoproj.io/instance";
const ARGO_TRACKING = "argocd.argoproj.io/tracking-id";

/** The Argo CD or Flux object an object is deployed by, from its labels and annotations. */
export function gitOpsOwnerOf(object: KubeObject): GitOpsOwner | undefined {
  const labels = object.metadata.labels ?? {};
  const annotations = object.metadata.annotations ?? {};
  // tracking-id: `<app>:<group>/<Kind>:<namespace>/<name>`; apps outside argocd's namespace are `<ns>_<app>`.
  const tracking = annotations[ARGO_TRACKING]?.split(":")[0];
  const argo = tracking || labels[ARGO_INSTANCE];
  if (argo) {
    const [namespace, name] = argo.includes("_") ? argo.split("_", 2) : [undefined, argo];
    return { tool: "argocd", kind: "Application", name: name ?? argo, ...(namespace ? { namespace } : {}) };
  }
  const helmName = labels["helm.toolkit.fluxcd.io/name"];
  if (helmName)
    return {
      tool: "flux",
      kind: "HelmRelease",
      name: helmName,
      namespace: labels["helm.toolkit.fluxcd.io/namespace"] ?? object.metadata.namespace ?? "",
    };
  const ksName = labels["kustomize.toolkit.fluxcd.io/name"];
  if (ksName)
    return {
      tool: "flux",
      kind: "Kustomization",
      name: ksName,
      namespace: labels["kustomize.toolkit.fluxcd.io/namespace"] ?? "flux-system",
    };
  return undefined;
}

/** The owner's object in the snapshot, when it was readable. */
export function ownerObject(objects: GitOpsObjects, owner: GitOpsOwner): KubeObject | undefined {
  const list =
    owner.kind === "Application"
      ? objects.argoApplications
      : owner.kind === "Kustomization"
        ? objects.fluxKustomizations
        : objects.fluxHelmReleases;
  return list.find(
    (o) =>
      o.metadata.name === owner.name &&
      (owner.namespace === undefined || o.metadata.namespace === owner.namespace),
  );
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface ArgoStatus {
  sync?: { status?: string; revision?: string };
  health?: { status?: string; message?: string };
  operationState?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    syncResult?: { revision?: string };
  };
  conditions?: Condition[];
  history?: { id?: number; revision?: string; deployedAt?: string }[];
  resources?: {
    kind?: string;
    namespace?: string;
    name?: string;
    health?: { status?: string; message?: string };
  }[];
}

/** A GitOps object that failed: a root cause with the controller's own message. */
export interface GitOpsFailure {
  owner: GitOpsOwner;
  ref: ResourceRef;
  /** `sync failed`, `degraded`, `not ready (HealthCheckFailed)`. */
  state: string;
  message: string;
  at?: string;
  /** Where the desired state lives, for the Git patch header. */
  source?: { repoURL?: string; path?: string; revision?: string };
}

/** Namespaces an Argo CD Application deploys to (destination, plus the resources it lists). */
export function applicationNamespaces(app: KubeObject): Set<string> {
  const spec = app.spec as { destination?: { namespace?: string } } | undefined;
  const status = app.status as ArgoStatus | undefined;
  const out = new Set<string>();
  if (spec?.destination?.namespace) out.add(spec.destination.namespace);
  for (const resource of status?.resources ?? []) if (resource.namespace) out.add(resource.namespace);
  return out;
}

/** Namespaces a Flux object deploys to (targetNamespace, inventory entries `ns_name_group_Kind`). */
export function fluxNamespaces(object: KubeObject): Set<string> {
  const spec = object.spec as { targetNamespace?: string } | undefined;
  const status = object.status as { inventory?: { entries?: { id?: string }[] } } | undefined;
  const out = new Set<string>();
  if (spec?.targetNamespace) out.add(spec.targetNamespace);
  for (const entry of status?.inventory?.entries ?? []) {
    const ns = entry.id?.split("_")[0];
    if (ns) out.add(ns);
  }
  if (object.kind === "HelmRelease" && !spec?.targetNamespace && object.metadata.namespace)
    out.add(object.metadata.namespace);
  return out;
}

/** Where an owner's desired state lives. */
export function sourceOf(object: KubeObject | undefined): GitOpsFailure["source"] | undefined {
  const spec = object?.spec as
    | {
        source?: { repoURL?: string; path?: string; targetRevision?: string };
        path?: string;
        sourceRef?: { kind?: string; name?: string };
      }
    | undefined;
  if (!spec) return undefined;
  if (spec.source) {
    return {
      ...(spec.source.repoURL ? { repoURL: spec.source.repoURL } : {}),
      ...(spec.source.path ? { path: spec.source.path } : {}),
      ...(spec.source.targetRevision ? { revision: spec.source.targetRevision } : {}),
    };
  }
  return {
    ...(spec.sourceRef?.name
      ? { repoURL: `${spec.sourceRef.kind ?? "GitRepository"}/${spec.sourceRef.name}` }
      : {}),
    ...(spec.path ? { path: spec.path } : {}),
  };
}

function argoFailure(app: KubeObject): GitOpsFailure | undefined {
  const status = app.status as ArgoStatus | undefined;
  if (!status) return undefined;
  const owner: GitOpsOwner = {
    tool: "argocd",
    kind: "Application",
    name: app.metadata.name ?? "",
    namespace: app.metadata.namespace ?? "",
  };
  const ref = refTo("Application", app);
  const source = sourceOf(app);
  const base = { owner, ref, ...(source ? { source } : {}) };
  const op = status.operationState;
  if (op && (op.phase === "Failed" || op.phase === "Error"))
    return {
      ...base,
      state: "sync failed",
      message: op.message ?? `operation ${op.phase}`,
      ...(op.finishedAt ? { at: op.finishedAt } : {}),
    };
  const syncError = status.conditions?.find((c) => c.type === "SyncError" || c.type === "ComparisonError");
  if (syncError)
    return {
      ...base,
      state: syncError.type === "SyncError" ? "sync failed" : "comparison failed",
      message: syncError.message ?? syncError.type ?? "",
      ...(syncError.lastTransitionTime ? { at: syncError.lastTransitionTime } : {}),
    };
  if (status.health?.status === "Degraded") {
    const degraded = (status.resources ?? []).filter((r) => r.health?.status === "Degraded");
    const message =
      status.health.message ??
      (degraded
        .map((r) => `${r.kind} ${r.namespace}/${r.name}: ${r.health?.message ?? "Degraded"}`)
        .join("; ") ||
        "health Degraded");
    return { ...base, state: "degraded", message };
  }
  return undefined;
}

function fluxFailure(object: KubeObject, kind: "Kustomization" | "HelmRelease"): GitOpsFailure | undefined {
  const conditions = (object.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  if (ready?.status !== "False") return undefined;
  const suspended = (object.spec as { suspend?: boolean } | undefined)?.suspend === true;
  const source = sourceOf(object);
  return {
    owner: {
      tool: "flux",
      kind,
      name: object.metadata.name ?? "",
      namespace: object.metadata.namespace ?? "",
    },
    ref: refTo(kind, object),
    state: `not ready (${ready.reason ?? "False"})${suspended ? ", suspended" : ""}`,
    message: ready.message ?? ready.reason ?? "Ready=False",
    ...(ready.lastTransitionTime ? { at: ready.lastTransitionTime } : {}),
    ...(source ? { source } : {}),
  };
}

/** Failed syncs, degraded Applications and not-Ready Flux objects that deploy into `namespace`. */
export function gitOpsFailures(objects: GitOpsObjects, namespace: string | undefined): GitOpsFailure[] {
  const inScope = (namespaces: Set<string>) => namespace === undefined || namespaces.has(namespace);
  const out: GitOpsFailure[] = [];
  for (const app of objects.argoApplications) {
    if (!inScope(applicationNamespaces(app))) continue;
    const failure = argoFailure(app);
    if (failure) out.push(failure);
  }
  for (const [list, kind] of [
    [objects.fluxKustomizations, "Kustomization"],
    [objects.fluxHelmReleases, "HelmRelease"],
  ] as const) {
    for (const object of list) {
      if (!inScope(fluxNamespaces(object))) continue;
      const failure = fluxFailure(object, kind);
      if (failure) out.push(failure);
    }
  }
  return out;
}

/** Syncs as changes: Argo CD's history (revision, deployedAt) and its last operation; Flux's Ready transitions. */
export function gitOpsChanges(objects: GitOpsObjects, namespace: string | undefined): Change[] {
  const out: Change[] = [];
  for (const app of objects.argoApplications) {
    if (namespace !== undefined && !applicationNamespaces(app).has(namespace)) continue;
    const status = app.status as ArgoStatus | undefined;
    const ref = refTo("Application", app);
    for (const entry of status?.history ?? []) {
      if (!entry.deployedAt) continue;
      out.push({
        at: entry.deployedAt,
        kind: "gitops-sync",
        resource: ref,
        manager: "argocd-application-controller",
        summary: `Argo CD synced ${app.metadata.name} to revision ${(entry.revision ?? "?").slice(0, 12)}`,
        details: [],
      });
    }
    const op = status?.operationState;
    if (op && (op.phase === "Failed" || op.phase === "Error") && (op.finishedAt || op.startedAt)) {
      out.push({
        at: op.finishedAt ?? op.startedAt ?? "",
        kind: "gitops-sync",
        resource: ref,
        manager: "argocd-application-controller",
        summary: `Argo CD sync of ${app.metadata.name} ${op.phase === "Error" ? "errored" : "failed"}${op.syncResult?.revision ? ` at revision ${op.syncResult.revision.slice(0, 12)}` : ""}`,
        details: op.message ? [op.message] : [],
      });
    }
  }
  for (const [list, kind, manager] of [
    [objects.fluxKustomizations, "Kustomization", "kustomize-controller"],
    [objects.fluxHelmReleases, "HelmRelease", "helm-controller"],
  ] as const) {
    for (const object of list) {
      if (namespace !== undefined && !fluxNamespaces(object).has(namespace)) continue;
      const status = object.status as
        | { conditions?: Condition[]; lastAppliedRevision?: string; lastAttemptedRevision?: string }
        | undefined;
      const ready = status?.conditions?.find((c) => c.type === "Ready");
      if (!ready?.lastTransitionTime) continue;
      const revision = status?.lastAttemptedRevision ?? status?.lastAppliedRevision;
      out.push({
        at: ready.lastTransitionTime,
        kind: "gitops-sync",
        resource: refTo(kind, object),
        manager,
        summary: `Flux ${kind} ${object.metadata.name} ${ready.status === "True" ? "applied" : "failed"}${revision ? ` ${revision}` : ""}`,
        details: ready.message ? [ready.message] : [],
      });
    }
  }
  return out;
}
