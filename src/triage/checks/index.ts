import type { RootCauseCategory } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import type { Check } from "../finding.js";
import { checkControlPlaneDegraded } from "./control-plane-degraded.js";
import { checkCrashLoop } from "./crash-loop.js";
import { checkDependencyUnavailable } from "./dependency-unavailable.js";
import { checkGitOpsSyncFailed } from "./gitops-sync-failed.js";
import { checkHelmReleaseFailed } from "./helm-release-failed.js";
import { checkHpaMisconfigured } from "./hpa-misconfigured.js";
import { checkImagePull } from "./image-pull.js";
import { checkIngressMisconfigured } from "./ingress-misconfigured.js";
import { checkInitContainerFailure } from "./init-container-failure.js";
import { checkJobFailed } from "./job-failed.js";
import { checkMissingConfigMap } from "./missing-configmap.js";
import { checkMissingPvc } from "./missing-pvc.js";
import { checkMissingSecret } from "./missing-secret.js";
import { checkNetworkPolicy } from "./network-policy.js";
import { checkNodeNotReady } from "./node-not-ready.js";
import { checkNodePressure } from "./node-pressure.js";
import { checkOomKilled } from "./oom-killed.js";
import { checkProbeFailure } from "./probe-failure.js";
import { checkPvcPending } from "./pvc-pending.js";
import { checkQuotaExceeded } from "./quota-exceeded.js";
import { checkRbacForbidden } from "./rbac-forbidden.js";
import { checkRolloutStuck } from "./rollout-stuck.js";
import { checkServiceNoEndpoints } from "./service-no-endpoints.js";
import { checkUnschedulableConstraints } from "./unschedulable-constraints.js";
import { checkUnschedulableResources } from "./unschedulable-resources.js";

/** Every check, one per root-cause category (the record type makes a missing category a compile error). */
export const CHECKS: Record<RootCauseCategory, Check<TriageContext>> = {
  "image-pull": checkImagePull,
  "missing-secret": checkMissingSecret,
  "missing-configmap": checkMissingConfigMap,
  "missing-pvc": checkMissingPvc,
  "pvc-pending": checkPvcPending,
  "oom-killed": checkOomKilled,
  "crash-loop": checkCrashLoop,
  "init-container-failure": checkInitContainerFailure,
  "unschedulable-resources": checkUnschedulableResources,
  "unschedulable-constraints": checkUnschedulableConstraints,
  "probe-failure": checkProbeFailure,
  "quota-exceeded": checkQuotaExceeded,
  "service-no-endpoints": checkServiceNoEndpoints,
  "ingress-misconfigured": checkIngressMisconfigured,
  "node-not-ready": checkNodeNotReady,
  "node-pressure": checkNodePressure,
  "control-plane-degraded": checkControlPlaneDegraded,
  "job-failed": checkJobFailed,
  "rollout-stuck": checkRolloutStuck,
  "hpa-misconfigured": checkHpaMisconfigured,
  "dependency-unavailable": checkDependencyUnavailable,
  "network-policy": checkNetworkPolicy,
  "rbac-forbidden": checkRbacForbidden,
  "helm-release-failed": checkHelmReleaseFailed,
  // Also reports Flux HelmReleases that are not Ready (as helm-release-failed).
  "gitops-sync-failed": checkGitOpsSyncFailed,
};
