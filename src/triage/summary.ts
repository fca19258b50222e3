import type { ResourceRef } from "../domain/types.js";
import { isDegraded, isDown, workloadAvailability } from "./availability.js";
import type { TriageContext } from "./context.js";
import type { ControlPlaneHealth } from "./control-plane.js";
import type { Finding } from "./finding.js";
import { inputGaps } from "./input-gaps.js";
import { refKey, refOf } from "./owners.js";

/** Workloads in scope (Deployments, StatefulSets, DaemonSets, CronJobs), in snapshot order. */
export function workloadsInScope(ctx: TriageContext): ResourceRef[] {
  const { deployments, statefulSets, daemonSets, cronJobs } = ctx.snapshot;
  const lists: [string, { metadata: { namespace?: string } }[]][] = [
    ["Deployment", deployments],
    ["StatefulSet", statefulSets],
    ["DaemonSet", daemonSets],
    ["CronJob", cronJobs],
  ];
  return lists.flatMap(([kind, list]) =>
    list
      .filter((o) => ctx.inScope(o.metadata.namespace))
      .map((o) => refOf(kind, o as Parameters<typeof refOf>[1])),
  );
}

/** Workloads that were checked and are fine: no cause names them and they run what they want. */
export function healthyWorkloads(ctx: TriageContext, findings: Finding[]): ResourceRef[] {
  const named = new Set(findings.flatMap((f) => [f.resource, ...f.affected]).map(refKey));
  return workloadsInScope(ctx).filter(
    (ref) => !named.has(refKey(ref)) && !isDegraded(workloadAvailability(ctx, ref)),
  );
}

/** Lists without which "no problems found" means nothing. */
const ESSENTIAL = ["pods", "events", "deployments", "replicasets", "statefulsets", "daemonsets", "nodes"];

/** A headline must fit a channel topic or a phone notification. */
const HEADLINE_DETAIL_MAX = 140;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * One line for a channel topic or a page: `5 root causes in prod-api: 5 of 6 deployments
 * unavailable`. Unavailable = 0 available; degraded = some but fewer than desired.
 */
export function headline(ctx: TriageContext, findings: Finding[], controlPlane: ControlPlaneHealth): string {
  const scope = ctx.namespace ?? "all namespaces";
  const workloads = workloadsInScope(ctx).filter((r) => r.kind !== "CronJob");
  const states = workloads.map((ref) => workloadAvailability(ctx, ref));
  const down = states.filter(isDown).length;
  const degraded = states.filter((a) => isDegraded(a) && !isDown(a)).length;
  const noun = workloads.every((r) => r.kind === "Deployment") ? "deployment" : "workload";
  const cp =
    controlPlane.status === "unhealthy" || controlPlane.status === "degraded"
      ? `control plane ${controlPlane.status}; `
      : "";
  // "All healthy" must never be said about what could not be read.
  const blind = [...ctx.snapshot.gaps, ...inputGaps(ctx.snapshot)].filter((gap) =>
    ESSENTIAL.includes(gap.resource),
  );
  if (findings.length === 0 && blind.length > 0) {
    const what = blind
      .map((gap) => `${gap.resource} (${gap.reason === "not-in-input" ? "not in the input" : gap.reason})`)
      .join(", ");
    return `${cp}No problems found in ${scope}, but the view is incomplete: could not read ${what}`;
  }
  if (findings.length === 0) {
    return `${cp}No problems found in ${scope}: ${plural(workloads.length, noun)} checked, all healthy`;
  }
  const parts: string[] = [];
  if (down > 0) parts.push(`${down} of ${plural(workloads.length, noun)} unavailable`);
  if (degraded > 0) parts.push(`${degraded} degraded`);
  const detail = parts.length > 0 ? parts.join(", ") : clip(findings[0]?.summary ?? "", HEADLINE_DETAIL_MAX);
  return `${cp}${plural(findings.length, "root cause")} in ${scope}: ${detail}`;
}
