import type { HorizontalPodAutoscaler } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { isRecent, quoteEvent } from "../events.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import { presenceOf } from "../presence.js";
import { objectKey } from "../snapshot-index.js";
import { templateSpec } from "../workloads.js";

const HPA_EVENT_REASONS = [
  "FailedGetResourceMetric",
  "FailedComputeMetricsReplicas",
  "FailedGetScale",
  "FailedGetExternalMetric",
  "FailedGetPodsMetric",
  "InvalidSelector",
];

/** Problems of one HPA, quoted: missing target, inverted bounds, conditions and events. */
function problemsOf(
  ctx: TriageContext,
  hpa: HorizontalPodAutoscaler,
): { quotes: string[]; certain: boolean } {
  const ns = hpa.metadata.namespace ?? "";
  const name = `HorizontalPodAutoscaler ${ns}/${hpa.metadata.name}`;
  const quotes: string[] = [];
  let certain = false;
  const target = hpa.spec?.scaleTargetRef;
  const targetObject = target ? ctx.index.byKey.get(objectKey(target.kind, ns, target.name)) : undefined;
  // The HPA controller's own AbleToScale=True (SucceededGetScale) proves the target exists, whatever
  // the input holds; absent from a dump that lacks the kind, it is unknown, never "does not exist".
  const ableToScale = hpa.status?.conditions?.some((c) => c.type === "AbleToScale" && c.status === "True");
  if (target && !targetObject && !ableToScale) {
    if (presenceOf(ctx, target.kind, ns, target.name) === "missing") {
      quotes.push(`${name} scaleTargetRef ${target.kind}/${target.name} does not exist in ${ns}`);
      certain = true;
    } else {
      quotes.push(`${name} scaleTargetRef ${target.kind}/${target.name} is not in the snapshot`);
    }
  }
  const min = hpa.spec?.minReplicas ?? 1;
  if (hpa.spec && min > hpa.spec.maxReplicas) {
    quotes.push(`${name} minReplicas ${min} > maxReplicas ${hpa.spec.maxReplicas}`);
    certain = true;
  }
  for (const c of hpa.status?.conditions ?? []) {
    // ScalingDisabled means the target was scaled to 0 on purpose.
    if (
      (c.type === "ScalingActive" || c.type === "AbleToScale") &&
      c.status === "False" &&
      c.reason !== "ScalingDisabled"
    ) {
      quotes.push(`${name} ${c.type}=False ${c.reason ?? ""}: ${c.message ?? ""}`);
    }
  }
  const events = ctx
    .events("HorizontalPodAutoscaler", hpa)
    .filter(
      (e) => e.type === "Warning" && HPA_EVENT_REASONS.includes(e.reason ?? "") && isRecent(e, ctx.nowMs),
    );
  quotes.push(...events.slice(0, 3).map(quoteEvent));
  // A resource metric on a target whose containers request none of it can never be computed.
  const spec = target && targetObject ? templateSpec(target.kind, targetObject) : undefined;
  for (const metric of (hpa.spec?.metrics ?? []) as { type?: string; resource?: { name?: string } }[]) {
    const resource = metric.type === "Resource" ? metric.resource?.name : undefined;
    if (!resource || !spec) continue;
    const missing = spec.containers
      .filter((c) => c.resources?.requests?.[resource] === undefined)
      .map((c) => c.name);
    if (missing.length > 0) {
      quotes.push(
        `${name} scales on ${resource} utilization, but container(s) ${missing.join(", ")} of ${target?.kind}/${target?.name} request no ${resource}`,
      );
      certain = true;
    }
  }
  return { quotes, certain: certain || events.length > 0 };
}

/** hpa-misconfigured: autoscalers that cannot scale their target. */
export function checkHpaMisconfigured(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const hpa of ctx.snapshot.horizontalPodAutoscalers) {
    const ns = hpa.metadata.namespace ?? "";
    if (!ctx.inScope(ns)) continue;
    const { quotes, certain } = problemsOf(ctx, hpa);
    if (quotes.length === 0) continue;
    const ref = refOf("HorizontalPodAutoscaler", hpa);
    const target = hpa.spec?.scaleTargetRef;
    findings.push(
      makeFinding({
        category: "hpa-misconfigured",
        resource: ref,
        affected: [ref, ...(target ? [{ kind: target.kind, namespace: ns, name: target.name }] : [])],
        evidence: quotes,
        confidence: certain ? 0.9 : 0.7,
        summary: `HPA ${ref.name} cannot scale ${target ? `${target.kind} ${target.name}` : "its target"}: ${quotes[0]?.replace(/^HorizontalPodAutoscaler \S+ /, "")}`,
        nextSteps: [
          "Fix the autoscaler's target, bounds, or the target's resource requests; meanwhile the workload stays at its current replica count.",
        ],
        commands: [`${kubectl(ns)} describe hpa ${ref.name}`, `${kubectl(ns)} top pods`],
      }),
    );
  }
  return findings;
}
