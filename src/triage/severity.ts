import type { BlastRadius, ResourceRef, Severity } from "../domain/types.js";
import { isDegraded, isDown, workloadAvailability } from "./availability.js";
import type { TriageContext } from "./context.js";
import type { ControlPlaneHealth } from "./control-plane.js";
import type { Finding } from "./finding.js";

/** prod, production, prd, prod-api, payments-prod, eu.prod…: namespaces that serve customers. */
export function isProdLike(namespace: string): boolean {
  return /(^|[-_.])(prod|production|prd)($|[-_.])/i.test(namespace);
}

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];
/** Causes that break a path users take (requests fail) even when every workload runs. */
const USER_FACING = ["ingress-misconfigured", "service-no-endpoints", "network-policy"];
/** Causes where work silently does not get done (a batch that keeps failing). */
const WORK_LOST = ["job-failed", "quota-exceeded", "rbac-forbidden"];

function workloadRefs(findings: Finding[]): ResourceRef[] {
  return findings.flatMap((f) => [f.resource, ...f.affected]).filter((r) => WORKLOAD_KINDS.includes(r.kind));
}

/**
 * Severity by rule:
 * - P1: cluster-wide blast radius (a degraded control plane alone is P2), or a workload at 0 available replicas in a prod-like namespace.
 * - P2: a workload at 0 available anywhere, a prod-like workload short of replicas, several
 *   namespaces hit, or a broken request path (Ingress, Service without endpoints, NetworkPolicy)
 *   in a prod-like namespace.
 * - P3: a broken request path elsewhere, a failed Job (or pods refused by quota/RBAC), any other
 *   cause in a prod-like namespace, or any workload short of replicas.
 * - P4: no cause, or causes with no availability impact outside prod.
 */
export function severityOf(
  ctx: TriageContext,
  findings: Finding[],
  radius: BlastRadius,
  controlPlane: ControlPlaneHealth,
): Severity {
  if (findings.length === 0) return controlPlane.status === "unhealthy" ? "P1" : "P4";
  const onlyDegradedControlPlane =
    controlPlane.status === "degraded" && findings.every((f) => f.category === "control-plane-degraded");
  if (radius === "cluster-wide") return onlyDegradedControlPlane ? "P2" : "P1";
  const refs = workloadRefs(findings);
  const states = refs.map((ref) => ({ ref, a: workloadAvailability(ctx, ref) }));
  if (states.some((s) => isDown(s.a) && isProdLike(s.ref.namespace))) return "P1";
  if (states.some((s) => isDown(s.a) || (isDegraded(s.a) && isProdLike(s.ref.namespace)))) return "P2";
  if (radius === "multiple-namespaces") return "P2";
  const userPath = findings.filter((f) => USER_FACING.includes(f.category));
  if (userPath.some((f) => isProdLike(f.resource.namespace))) return "P2";
  if (userPath.length > 0 || findings.some((f) => WORK_LOST.includes(f.category))) return "P3";
  if (findings.some((f) => isProdLike(f.resource.namespace)) || states.some((s) => isDegraded(s.a)))
    return "P3";
  return "P4";
}
