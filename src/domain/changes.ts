import type { ResourceRef } from "./resource-ref.js";

/**
 * What changed in the cluster, read from the snapshot (ReplicaSet and ControllerRevision history,
 * managedFields, Helm release metadata, GitOps status). Built by `src/changes`; never from Secret
 * data. Extend by adding optional fields or kinds; never rename.
 */

/** What sort of change it was. */
export type ChangeKind =
  | "rollout"
  | "config"
  | "secret"
  | "scale"
  | "autoscaling"
  | "quota"
  | "limits"
  | "network-policy"
  | "node"
  | "helm-release"
  | "gitops-sync";

/** One change on the timeline. */
export interface Change {
  /** When it happened (RFC 3339). */
  at: string;
  kind: ChangeKind;
  /** The object that changed. */
  resource: ResourceRef;
  /** Who changed it: the managedFields manager (kubectl-edit, helm, argocd-controller…), when known. */
  manager?: string;
  /** One line: "image api=shop/api:2.1.0 → shop/api:2.1.1". */
  summary: string;
  /** The individual differences (one per field), when there are several. */
  details: string[];
}

/** A change that precedes a root cause and plausibly explains it. */
export interface CauseChange extends Change {
  /** Seconds between the change and the first failure of the cause (negative: after it). */
  beforeFailureSeconds: number;
  /** The sentence a responder reads: "image 2.1.0 → 2.1.1 by helm, 4 min before the first crash". */
  lead: string;
}

/** The tool that owns an object's desired state; a live patch of it does not stick. */
export type ManagerTool = "helm" | "argocd" | "flux";

/** Who manages a proposal's target, and what that means for a live patch. */
export interface ManagedBy {
  tool: ManagerTool;
  /** Helm release, Argo CD Application or Flux Kustomization/HelmRelease name. */
  owner: string;
  ownerNamespace?: string;
  /** What happens to a live patch (helm upgrade overwrites it; the GitOps controller reverts it). */
  warning: string;
  /** Commands for a human (never run by the bot): `helm rollback <release> <revision>`, sync suspension. */
  humanCommands: string[];
  /** For GitOps-managed targets: the manifest change to commit, as a unified diff. */
  gitPatch?: string;
}
