import { quoteEvent } from "../events.js";
import type { PodView } from "../pod-view.js";

/** The scheduler's verdicts on a pending pod: PodScheduled condition and FailedScheduling events. */
export interface SchedulingEvidence {
  /** Raw messages, to classify. */
  messages: string[];
  /** Verbatim quotes, for evidence. */
  quotes: string[];
}

/** The scheduler's messages about a pod, newest first, each with its verbatim quote. */
export function schedulingEvidence(view: PodView): SchedulingEvidence {
  const messages: string[] = [];
  const quotes: string[] = [];
  const condition = view.pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False",
  );
  for (const event of view.events) {
    if (event.reason !== "FailedScheduling" || !event.message) continue;
    messages.push(event.message);
    quotes.push(quoteEvent(event));
  }
  if (condition?.message && !messages.includes(condition.message)) {
    messages.push(condition.message);
    quotes.push(
      `Pod ${view.ref.namespace}/${view.ref.name} PodScheduled=False ${condition.reason ?? ""}: ${condition.message}`,
    );
  }
  return { messages, quotes };
}

/** Claims a scheduler message names as missing. */
export const CLAIM_NOT_FOUND = /persistentvolumeclaim "([^"]+)" not found/gi;
/** Scheduler messages about storage rather than nodes (missing-pvc / pvc-pending own them). */
export const STORAGE_MESSAGE =
  /persistentvolumeclaim|unbound immediate PersistentVolumeClaims|volume node affinity/i;
/** Scheduler phrases for "no node has room". */
export const RESOURCE_MESSAGE = /Insufficient [\w./-]+|Too many pods/;
/** Scheduler phrases for "placement rules exclude the nodes". */
export const CONSTRAINT_MESSAGE =
  /didn't match Pod's node affinity|node affinity\/selector|untolerated taint|had taint|didn't match pod (?:anti-)?affinity|didn't match pod topology spread|didn't have free ports|were unschedulable|didn't satisfy existing pods anti-affinity/i;

/** A pending pod the scheduler rejected (or that is Pending with a FailedScheduling event). */
export function isUnschedulable(view: PodView): boolean {
  return (
    !view.healthy &&
    view.phase === "Pending" &&
    (!view.scheduled || view.events.some((e) => e.reason === "FailedScheduling"))
  );
}
