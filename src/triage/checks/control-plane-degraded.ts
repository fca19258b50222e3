import type { TriageContext } from "../context.js";
import { parseReadyz } from "../control-plane.js";
import { type Finding, makeFinding } from "../finding.js";

/** The API server as a resource: control-plane causes have no object of their own. */
export const API_SERVER_REF = { kind: "APIServer", namespace: "", name: "kube-apiserver" };

/** control-plane-degraded: `/readyz?verbose` names failing checks. */
export function checkControlPlaneDegraded(ctx: TriageContext): Finding[] {
  const health = parseReadyz(ctx.snapshot.readyz);
  if (health.status !== "degraded" && health.status !== "unhealthy") return [];
  const failing = health.failing ?? [];
  return [
    makeFinding({
      category: "control-plane-degraded",
      resource: API_SERVER_REF,
      affected: [API_SERVER_REF],
      evidence: health.lines,
      confidence: 0.95,
      summary:
        health.status === "unhealthy"
          ? `The control plane is unhealthy: ${failing.length > 0 ? failing.join(", ") : "readyz"} failing; API reads and writes may fail cluster-wide`
          : `The control plane is degraded: ${failing.join(", ")} failing`,
      nextSteps: [
        failing.some((name) => name.startsWith("etcd"))
          ? "Check etcd health and quorum (members, disk latency, space) first: the API server cannot work without it."
          : "Check the API server's logs for the failing checks; a managed cluster's provider status page may already say more.",
        "Hold remediations that write to the cluster until the control plane is healthy.",
      ],
      commands: [
        "kubectl get --raw='/readyz?verbose'",
        "kubectl get --raw='/livez?verbose'",
        "kubectl -n kube-system get pods -l tier=control-plane",
      ],
    }),
  ];
}
