import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import { kubectl } from "../finding.js";
import type { Ownership } from "../owners.js";
import { refKey } from "../owners.js";
import type { ContainerIssue, PodView } from "../pod-view.js";
import { kindName } from "../workloads.js";

/** Pods grouped under the workload they belong to, with the issue that put each in the group. */
export interface WorkloadGroup<T> {
  workload: ResourceRef;
  owner: Ownership;
  items: { view: PodView; value: T }[];
}

/** Group (pod, value) pairs by workload, first-seen order. */
export function byWorkload<T>(pairs: Iterable<{ view: PodView; value: T }>): WorkloadGroup<T>[] {
  const groups = new Map<string, WorkloadGroup<T>>();
  for (const pair of pairs) {
    const key = refKey(pair.view.owner.workload);
    const group = groups.get(key);
    if (group) group.items.push(pair);
    else groups.set(key, { workload: pair.view.owner.workload, owner: pair.view.owner, items: [pair] });
  }
  return [...groups.values()];
}

/** Each pod's issues of the given kinds (main or init containers as asked). */
export function issuesOf(
  ctx: TriageContext,
  kinds: readonly ContainerIssue["kind"][],
  filter: (issue: ContainerIssue, view: PodView) => boolean = () => true,
): { view: PodView; value: ContainerIssue }[] {
  const pairs: { view: PodView; value: ContainerIssue }[] = [];
  for (const view of ctx.pods) {
    for (const issue of view.issues) {
      if (kinds.includes(issue.kind) && filter(issue, view)) pairs.push({ view, value: issue });
    }
  }
  return pairs;
}

/** Verbatim warning events of the group's pods, filtered by reason and message. */
export function podEventQuotes(
  views: Iterable<PodView>,
  reasons: readonly string[],
  message?: RegExp,
): string[] {
  const quotes: string[] = [];
  for (const view of views) {
    for (const event of view.events) {
      if (event.type !== "Warning" || !reasons.includes(event.reason ?? "")) continue;
      if (message && !message.test(event.message ?? "")) continue;
      quotes.push(quoteEvent(event));
    }
  }
  return quotes;
}

/** Read-only commands an operator starts with: describe the workload and one failing pod. */
export function inspectCommands(workload: ResourceRef, pod?: ResourceRef): string[] {
  const commands = [`${kubectl(workload.namespace)} describe ${kindName(workload)}`];
  if (pod && pod.name !== workload.name) commands.push(`${kubectl(pod.namespace)} describe pod ${pod.name}`);
  return commands;
}

/** Unique pods of a group. */
export function viewsOf<T>(group: WorkloadGroup<T>): PodView[] {
  const seen = new Set<PodView>();
  for (const item of group.items) seen.add(item.view);
  return [...seen];
}

/** `payment-service` or `payment-service (CronJob)`: how a workload reads in a sentence. */
export function label(ref: ResourceRef): string {
  return ref.kind === "Deployment" ? ref.name : `${ref.name} (${ref.kind})`;
}
