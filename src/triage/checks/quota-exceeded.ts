import type { ResourceQuota } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import { type Finding, groupBy, kubectl, makeFinding } from "../finding.js";
import { refKey } from "../owners.js";
import { objectKey } from "../snapshot-index.js";
import { label } from "./common.js";
import { controllerEvents } from "./controller-events.js";

/** ResourceQuota refusals, and LimitRange ones (a namespace's per-container bounds). */
const QUOTA =
  /(?:exceeded|failed) quota: ([a-z0-9.-]+)|must specify (?:limits|requests)[\w.,]*|(?:maximum|minimum) (?:cpu|memory|ephemeral-storage) usage per (?:Container|Pod)/i;
const LIMIT_RANGE =
  /(?:maximum|minimum) (?:cpu|memory|ephemeral-storage) usage per (?:Container|Pod)[^\]\n]*/i;

/** `ResourceQuota prod-api/compute-quota: pods 10/10, requests.memory 2Gi/2Gi` (used/hard). */
export function quotaLine(quota: ResourceQuota): string {
  const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
  const used = quota.status?.used ?? {};
  const items = Object.entries(hard).map(([name, limit]) => `${name} ${used[name] ?? "?"}/${limit}`);
  return `ResourceQuota ${quota.metadata.namespace}/${quota.metadata.name}: ${items.join(", ")} (used/hard)`;
}

/** quota-exceeded: controllers refused new pods by a ResourceQuota (FailedCreate ... exceeded quota). */
export function checkQuotaExceeded(ctx: TriageContext): Finding[] {
  const events = controllerEvents(ctx, QUOTA);
  return [...groupBy(events, (e) => refKey(e.workload)).values()].map((group) => {
    const first = group[0]!;
    const w = first.workload;
    const quotaNames = [
      ...new Set(group.map((g) => QUOTA.exec(g.event.message ?? "")?.[1]).filter((n) => n !== undefined)),
    ];
    const quotas = quotaNames
      .map(
        (name) =>
          ctx.index.byKey.get(objectKey("ResourceQuota", w.namespace, name)) as ResourceQuota | undefined,
      )
      .filter((q) => q !== undefined);
    const needsLimits = group.some((g) => /must specify/i.test(g.event.message ?? ""));
    const limitRange = group
      .map((g) => LIMIT_RANGE.exec(g.event.message ?? "")?.[0])
      .find((m) => m !== undefined);
    return makeFinding({
      category: "quota-exceeded",
      resource: w,
      affected: [w],
      evidence: [...group.map((g) => quoteEvent(g.event)), ...quotas.map(quotaLine)],
      confidence: 0.95,
      summary: limitRange
        ? `${label(w)} cannot create pods: the namespace LimitRange refuses them (${limitRange})`
        : needsLimits
          ? `${label(w)} cannot create pods: the namespace quota requires resource requests/limits its pods do not set`
          : `${label(w)} cannot create pods: ResourceQuota ${quotaNames.join(", ")} in ${w.namespace} is exhausted`,
      nextSteps: [
        limitRange
          ? "Bring the pod template's requests/limits within the LimitRange (kubectl describe limitrange), or change the LimitRange."
          : needsLimits
            ? "Set resource requests and limits on the pod template (or a LimitRange with defaults)."
            : "Raise the quota (a human decision: it is a budget) or free room by scaling down something less important.",
      ],
      commands: [
        ...quotaNames.map((name) => `${kubectl(w.namespace)} describe resourcequota ${name}`),
        `${kubectl(w.namespace)} describe ${(first.event.involvedObject.kind ?? "ReplicaSet").toLowerCase()} ${first.object.metadata.name}`,
      ],
    });
  });
}
