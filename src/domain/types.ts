import type { CauseChange, Change } from "./changes.js";
import type {
  CronJob,
  Endpoints,
  HorizontalPodAutoscaler,
  Ingress,
  Job,
  KubeEvent,
  KubeObject,
  NetworkPolicy,
  Node,
  PersistentVolumeClaim,
  Pod,
  ResourceQuota,
  Service,
  StorageClass,
  Workload,
} from "./kube.js";
import type { MetricsServerStatus, NodeMetrics, PodMetrics } from "./metrics.js";
import type { PrometheusSnapshot } from "./prometheus.js";
import type { ResourceRef } from "./resource-ref.js";

export type { ResourceRef };

/** A container log that the collector read (failing containers only, capped, redacted). */
export interface PodLog {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  text: string;
}

/** Something the collector could not read; it becomes evidence, never a crash. */
export interface CollectionGap {
  /** Plural resource name or "logs" / "readyz". */
  resource: string;
  namespace?: string;
  /** `not-in-input`: a state file read as recorded does not contain that kind at all (unknown, not empty). */
  reason: "forbidden" | "timeout" | "not-found" | "error" | "not-in-input";
  message: string;
}

/**
 * Everything the triage engine looks at, collected read-only in one pass (one list per kind per
 * scope, plus capped logs of failing containers). Built from a live cluster or a cluster-state
 * file; the engine cannot tell which. All strings are already redacted.
 */
export interface Snapshot {
  /** The cluster's "now" (a `Clock` in a state file, else collection time), RFC 3339. */
  collectedAt: string;
  source: { type: "live"; context?: string; server?: string } | { type: "file"; path: string };
  scope: { namespace?: string; allNamespaces: boolean };
  /**
   * Kinds a state file read as recorded holds. A partial dump (`kubectl get deploy,pods`) says
   * nothing about the kinds it lacks: an object of such a kind is "not in the snapshot", not
   * missing. Undefined for live clusters and simulated files, which list every kind.
   */
  recordedKinds?: string[];
  serverVersion?: string;
  /** Body of `/readyz?verbose`; undefined when it could not be read. */
  readyz?: string;
  namespaces: KubeObject[];
  nodes: Node[];
  pods: Pod[];
  deployments: Workload[];
  replicaSets: Workload[];
  statefulSets: Workload[];
  daemonSets: Workload[];
  jobs: Job[];
  cronJobs: CronJob[];
  services: Service[];
  endpoints: Endpoints[];
  events: KubeEvent[];
  /** ConfigMaps with `data` values removed (keys kept so missing-key checks work). */
  configMaps: KubeObject[];
  persistentVolumeClaims: PersistentVolumeClaim[];
  persistentVolumes: KubeObject[];
  storageClasses: StorageClass[];
  ingresses: Ingress[];
  ingressClasses: KubeObject[];
  networkPolicies: NetworkPolicy[];
  resourceQuotas: ResourceQuota[];
  limitRanges: KubeObject[];
  horizontalPodAutoscalers: HorizontalPodAutoscaler[];
  podDisruptionBudgets: KubeObject[];
  serviceAccounts: KubeObject[];
  /** StatefulSet and DaemonSet revision history (apps/v1 ControllerRevision). */
  controllerRevisions: KubeObject[];
  /** Secrets as metadata only (PartialObjectMetadata): names, labels, managedFields; never data. */
  secrets: KubeObject[];
  /** Argo CD Applications (argoproj.io/v1alpha1), all namespaces, when the CRD is served and readable. */
  argoApplications: KubeObject[];
  /** Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1), all namespaces, when served. */
  fluxKustomizations: KubeObject[];
  /** Flux HelmReleases (helm.toolkit.fluxcd.io/v2), all namespaces, when served. */
  fluxHelmReleases: KubeObject[];
  logs: PodLog[];
  /** `metrics.k8s.io/v1beta1` PodMetrics in scope, when the cluster serves the metrics API. */
  podMetrics?: PodMetrics[];
  /** `metrics.k8s.io/v1beta1` NodeMetrics, when served. */
  nodeMetrics?: NodeMetrics[];
  /** Whether metrics-server answered (absent: not asked, e.g. a focused read). */
  metricsServer?: MetricsServerStatus;
  gaps: CollectionGap[];
  /** API requests the collection made (for the "requests do not grow with pods" guarantee). */
  requestCount?: number;
  /** What Prometheus answered (PROMETHEUS_URL set); read by the engine as plain data. */
  prometheus?: PrometheusSnapshot;
}

/** The snapshot list fields, for code that iterates kinds generically. */
export type SnapshotListKey = {
  [K in keyof Snapshot]: Snapshot[K] extends KubeObject[] ? K : never;
}[keyof Snapshot];

export type ControlPlaneStatus = "healthy" | "degraded" | "unhealthy" | "unknown";

export type BlastRadius =
  | "no-issues"
  | "single-pod"
  | "single-workload"
  | "single-namespace"
  | "multiple-namespaces"
  | "cluster-wide";

export const SYMPTOM_CLASSES = [
  "pending-pods",
  "crashloop-pods",
  "oom-killed",
  "image-pull-errors",
  "config-errors",
  "init-failures",
  "not-ready",
  "network-dns-issues",
  "storage-issues",
  "scheduling-failures",
  "node-failures",
  "control-plane-degraded",
] as const;
export type SymptomClass = (typeof SYMPTOM_CLASSES)[number];

export interface Symptom {
  class: SymptomClass;
  resources: ResourceRef[];
}

export const ROOT_CAUSE_CATEGORIES = [
  "image-pull",
  "missing-secret",
  "missing-configmap",
  "missing-pvc",
  "pvc-pending",
  "oom-killed",
  "crash-loop",
  "init-container-failure",
  "unschedulable-resources",
  "unschedulable-constraints",
  "probe-failure",
  "quota-exceeded",
  "service-no-endpoints",
  "ingress-misconfigured",
  "node-not-ready",
  "node-pressure",
  "control-plane-degraded",
  "job-failed",
  "rollout-stuck",
  "hpa-misconfigured",
  "dependency-unavailable",
  "network-policy",
  "rbac-forbidden",
  "helm-release-failed",
  "gitops-sync-failed",
] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

export type Severity = "P1" | "P2" | "P3" | "P4";
export type Risk = "low" | "medium" | "high";

/** A cause (not a symptom), with the evidence quoted verbatim from the snapshot. */
export interface RootCause {
  /** Stable within one result: `${category}:${kind}/${namespace}/${name}`. */
  id: string;
  category: RootCauseCategory;
  summary: string;
  /** The workload (or object) at fault: Deployment rather than its pods. */
  resource: ResourceRef;
  /** Everything failing because of it (its pods, dependents). */
  affected: ResourceRef[];
  /** Verbatim quotes: event messages, container states with exit codes, log lines, quota lines. */
  evidence: string[];
  /** 0..1, from the strength of the evidence. */
  confidence: number;
  /** Id of the root cause this one follows from (dependency-unavailable chains). */
  causedBy?: string;
  /** Manual steps for causes with no safe automatic fix (and alongside proposals). */
  nextSteps: string[];
  /** Exact commands an operator can run (read-only diagnostics or the manual fix). */
  commands: string[];
  /** Changes in the window before the first failure that explain this cause, newest first. */
  changes?: CauseChange[];
  /** The cluster this cause was found in, once an install serves several (the agent's name). */
  cluster?: string;
}

/** The deterministic triage of one scope. Also the `--format json` output. */
export interface TriageResult {
  /** The namespace triaged, or "*" for all namespaces. */
  namespace: string;
  /** The cluster triaged, when known (a cluster agent's name). */
  cluster?: string;
  collectedAt: string;
  controlPlane: { status: ControlPlaneStatus; failing?: string[] };
  blastRadius: BlastRadius;
  severity: Severity;
  headline: string;
  symptoms: Symptom[];
  /** Ranked: the cause others depend on first, then by impact and confidence. */
  rootCauses: RootCause[];
  remediations: RemediationProposal[];
  /** Workloads that were looked at and are fine (so a reader knows they were checked). */
  healthy: ResourceRef[];
  /** What could not be read (permissions, timeouts). */
  gaps: CollectionGap[];
  /** Warnings a later success answered (FailedCreate → SuccessfulCreate…): history, never causes. */
  history?: string[];
  /** Every change the snapshot shows in the hour before collection, oldest first. */
  changes?: Change[];
  /** Whether usage numbers came from metrics-server (or why there are none), when it was asked. */
  metricsServer?: MetricsServerStatus;
  stats: { pods: number; events: number; apiRequests?: number; durationMs?: number };
  /** What Prometheus showed (the alert's expression re-evaluated, container numbers, failed queries). */
  metrics?: string[];
}

import type { RemediationProposal } from "./actions.js";

export type { RemediationProposal };
