import type { KubeEvent, KubeObject, Pod } from "../domain/kube.js";
import { eventTimeMs } from "./event-time.js";

/**
 * Current facts over history. A Warning event that a later success for the same object
 * answered — `FailedCreate` then `SuccessfulCreate`, `FailedScheduling` then `Scheduled`, a
 * `FailedMount` of a pod that is Running since, a `BackOff` of a pod Ready since — is history: it
 * is shown as such and never becomes a root cause. Pure.
 */

/** Normal event reasons that answer a Warning reason on the same object. */
const LATER_SUCCESS: Record<string, readonly string[]> = {
  FailedCreate: ["SuccessfulCreate"],
  FailedScheduling: ["Scheduled"],
  FailedMount: ["Started"],
  FailedAttachVolume: ["SuccessfulAttachVolume"],
  ProvisioningFailed: ["ProvisioningSucceeded"],
  FailedBinding: ["ProvisioningSucceeded"],
};

function ms(text: string | undefined): number | undefined {
  const value = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(value) ? undefined : value;
}

/** True when the condition is True and became so at or after `since` (a known time). */
function trueSince(pod: Pod, type: string, since: number): boolean {
  const condition = pod.status?.conditions?.find((c) => c.type === type);
  const at = ms(condition?.lastTransitionTime);
  return condition?.status === "True" && at !== undefined && at >= since;
}

/** The pod's own status answers the warning: Running/Ready/Scheduled since it happened. */
function podAnswers(pod: Pod, reason: string, since: number): boolean {
  switch (reason) {
    case "FailedScheduling":
      return Boolean(pod.spec.nodeName) && trueSince(pod, "PodScheduled", since);
    case "FailedMount":
    case "FailedAttachVolume": {
      if (pod.status?.phase !== "Running") return false;
      const statuses = pod.status.containerStatuses ?? [];
      return (
        statuses.length > 0 &&
        statuses.every((s) => {
          const started = ms(s.state?.running?.startedAt);
          return started !== undefined && started >= since;
        })
      );
    }
    case "BackOff":
    case "Unhealthy":
      // Ready since: the container came back (a probe or a restart loop that has recovered).
      return trueSince(pod, "Ready", since);
    default:
      return false;
  }
}

/**
 * The later success that answers `warning`, in words (`SuccessfulCreate at …`, `Pod Ready since
 * …`), or undefined while the warning is current. `events` are the same object's events.
 */
export function supersededBy(
  warning: KubeEvent,
  events: readonly KubeEvent[],
  object: KubeObject | undefined,
): string | undefined {
  if (warning.type !== "Warning") return undefined;
  const reason = warning.reason ?? "";
  const at = eventTimeMs(warning);
  if (at === undefined) return undefined;
  const answers = LATER_SUCCESS[reason];
  if (answers) {
    for (const event of events) {
      if (event === warning || event.type === "Warning" || !answers.includes(event.reason ?? "")) continue;
      const later = eventTimeMs(event);
      if (later !== undefined && later > at) {
        return `${event.reason} at ${new Date(later).toISOString().replace(".000Z", "Z")}`;
      }
    }
  }
  if (object && warning.involvedObject.kind === "Pod" && podAnswers(object as Pod, reason, at)) {
    const pod = object as Pod;
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime;
    const started = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
    if (reason === "BackOff" || reason === "Unhealthy") return `the pod is Ready since ${ready}`;
    if (reason === "FailedScheduling") return `the pod was scheduled to ${pod.spec.nodeName}`;
    return `the pod is Running since ${started}`;
  }
  return undefined;
}
