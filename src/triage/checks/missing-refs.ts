import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import type { PodView } from "../pod-view.js";
import { type MissingRef, missingRefs } from "./secret-refs.js";

/** A pod and what the kubelet says it is missing, with the verbatim quote that says so. */
export interface MissingRefSighting {
  ref: MissingRef;
  quote: string;
}

/**
 * Every Secret/ConfigMap (or key) the kubelet reports missing for each unhealthy pod, from its
 * container waiting states and its FailedMount / Failed events.
 */
export function missingRefSightings(
  ctx: TriageContext,
  kind: MissingRef["kind"],
): { view: PodView; value: MissingRefSighting }[] {
  const pairs: { view: PodView; value: MissingRefSighting }[] = [];
  for (const view of ctx.pods) {
    if (view.healthy) continue;
    for (const issue of view.issues) {
      for (const ref of missingRefs(issue.status.state?.waiting?.message)) {
        if (ref.kind === kind) pairs.push({ view, value: { ref, quote: issue.quote } });
      }
    }
    for (const event of view.events) {
      if (event.type !== "Warning") continue;
      for (const ref of missingRefs(event.message)) {
        if (ref.kind === kind) pairs.push({ view, value: { ref, quote: quoteEvent(event) } });
      }
    }
  }
  return pairs;
}
