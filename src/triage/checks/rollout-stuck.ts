import type { TriageContext } from "../context.js";
import { podsOf } from "../context.js";
import { extendedShortfall } from "../extended-resources.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import type { PodView } from "../pod-view.js";
import { schedulingEvidence } from "./scheduling.js";

/** Why a pod of the stuck rollout has no node: the scheduler's words, else what its spec asks for. */
function unscheduledReason(ctx: TriageContext, pods: PodView[]): { pod: PodView; quote: string } | undefined {
  for (const view of pods) {
    if (view.phase !== "Pending" || view.pod.spec.nodeName) continue;
    const quote = schedulingEvidence(view).quotes[0] ?? extendedShortfall(ctx, view.pod)?.quote;
    if (quote) return { pod: view, quote };
  }
  return undefined;
}

import { availabilityOf } from "../workloads.js";

/**
 * rollout-stuck: a Deployment past its progress deadline. Its recorded condition is evidence on
 * its own, also in a dump without the Deployment's ReplicaSets; when one of its pods waits for a
 * node, the reason (the scheduler's message, else an extended resource its spec requests) is named.
 * It is a fallback: when another check names a cause for the same Deployment, that cause is kept
 * (and gets the condition as evidence) and this symptom dropped.
 */
export function checkRolloutStuck(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const deployment of ctx.snapshot.deployments) {
    if (!ctx.inScope(deployment.metadata.namespace) || deployment.spec.paused) continue;
    const progressing = deployment.status?.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.status !== "False" || progressing.reason !== "ProgressDeadlineExceeded") continue;
    const ref = refOf("Deployment", deployment);
    const pods = podsOf(ctx, ref);
    const status = deployment.status ?? {};
    const a = availabilityOf("Deployment", deployment);
    const unscheduled = unscheduledReason(ctx, pods);
    findings.push(
      makeFinding({
        category: "rollout-stuck",
        resource: ref,
        affected: [ref, ...pods.map((v) => v.ref)],
        evidence: [
          `Deployment ${ref.namespace}/${ref.name} Progressing=False ProgressDeadlineExceeded: ${progressing.message ?? ""}`,
          `Deployment ${ref.namespace}/${ref.name} replicas ${status.replicas ?? 0}, updated ${status.updatedReplicas ?? 0}, ready ${status.readyReplicas ?? 0}, available ${a?.available ?? 0} of ${a?.desired ?? 0} desired`,
          ...(unscheduled ? [unscheduled.quote] : []),
        ],
        confidence: unscheduled ? 0.8 : 0.7,
        summary: `${ref.name}'s rollout is stuck past its progress deadline (${status.updatedReplicas ?? 0} of ${a?.desired ?? 0} replicas updated)${unscheduled ? `; pod ${unscheduled.pod.ref.name} waits for a node: ${unscheduled.quote.replace(/^Pod \S+ (?:spec )?/, "")}` : ""}`,
        nextSteps: [
          "Look at the new ReplicaSet's pods and events; roll back if the new version cannot become ready.",
        ],
        fallback: true,
        commands: [
          `${kubectl(ref.namespace)} rollout status deployment/${ref.name}`,
          `${kubectl(ref.namespace)} rollout history deployment/${ref.name}`,
        ],
      }),
    );
  }
  return findings;
}
