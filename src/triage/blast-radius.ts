import type { BlastRadius } from "../domain/types.js";
import { workloadAvailability } from "./availability.js";
import type { TriageContext } from "./context.js";
import type { ControlPlaneHealth } from "./control-plane.js";
import type { Finding } from "./finding.js";
import { refKey } from "./owners.js";

/**
 * How far the damage reaches. Rule: no causes → no-issues; a NotReady node or an unhealthy
 * control plane (or only cluster-scoped causes) → cluster-wide; causes in several namespaces →
 * multiple-namespaces; several workloads/objects in one → single-namespace; one workload →
 * single-workload, or single-pod when only one of its pods is hit and the rest still serve (or it
 * is a bare pod).
 */
export function blastRadius(
  ctx: TriageContext,
  findings: Finding[],
  controlPlane: ControlPlaneHealth,
): BlastRadius {
  if (findings.length === 0) return controlPlane.status === "unhealthy" ? "cluster-wide" : "no-issues";
  if (controlPlane.status === "unhealthy" || findings.some((f) => f.category === "node-not-ready"))
    return "cluster-wide";
  const namespaces = new Set<string>();
  const units = new Set<string>();
  for (const f of findings) {
    // A GitOps object lives in its controller's namespace (argocd, flux-system); its damage is where it deploys.
    const own =
      f.resource.kind === "Application" ||
      f.resource.kind === "Kustomization" ||
      f.resource.kind === "HelmRelease";
    for (const ref of own ? f.affected : [f.resource, ...f.affected])
      if (ref.namespace) namespaces.add(ref.namespace);
    if (f.resource.namespace) units.add(refKey(f.resource));
  }
  if (namespaces.size === 0) return "cluster-wide";
  if (namespaces.size > 1) return "multiple-namespaces";
  if (units.size > 1) return "single-namespace";
  const [only] = findings.filter((f) => f.resource.namespace);
  if (!only) return "single-namespace";
  if (only.resource.kind === "Pod") return "single-pod";
  const pods = new Set(findings.flatMap((f) => f.affected.filter((r) => r.kind === "Pod").map(refKey)));
  const availability = workloadAvailability(ctx, only.resource);
  if (pods.size === 1 && availability && availability.available > 0) return "single-pod";
  return "single-workload";
}
