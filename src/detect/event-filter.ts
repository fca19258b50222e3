import { anyGlob, globMatch } from "../config/glob.js";
import type { Policy, Selector } from "../config/policy.js";
import type { KubeEvent } from "../domain/kube.js";

/** The fields of an event (or alert) that policy selectors look at. */
export interface SignalFields {
  type?: string;
  reason?: string;
  kind?: string;
  namespace?: string;
  message?: string;
}

/** What the watcher should do with one event, and why (the reason is logged and audited). */
export type EventDecision =
  | { action: "ignore"; reason: string }
  | {
      action: "incident";
      /** Index of the matching `automatic` rule, when one matched. */
      ruleIndex?: number;
      mode: "manual" | "automatic";
      channel?: string;
      notifyOnStart: boolean;
      notifyOnComplete: boolean;
      /** Per-rule limits override the global ones. */
      eventsPerMinute: number;
      cooldownMinutes: number;
    };

/** Fields of a core/v1 Event in selector terms. */
export function eventFields(event: KubeEvent): SignalFields {
  return {
    type: event.type,
    reason: event.reason,
    kind: event.involvedObject.kind,
    namespace: event.involvedObject.namespace ?? event.metadata.namespace,
    message: event.message,
  };
}

/** Every given selector field must match: exact type/reason/kind, namespace glob, message regex. */
export function selectorMatches(selector: Selector, fields: SignalFields): boolean {
  if (selector.type && selector.type !== fields.type) return false;
  if (selector.reason && selector.reason !== fields.reason) return false;
  if (selector.kind && selector.kind !== fields.kind) return false;
  if (selector.namespace && !globMatch(selector.namespace, fields.namespace ?? "")) return false;
  if (selector.message && !new RegExp(selector.message, "i").test(fields.message ?? "")) return false;
  return true;
}

/** The first route whose namespace globs match. */
export function routeFor(policy: Policy, namespace: string): Policy["routes"][number] | undefined {
  return policy.routes.find((route) => anyGlob(route.namespaces, namespace));
}

/**
 * Decides whether a signal starts an incident: only Warnings, only in namespaces the policy lets
 * us triage, routed to a channel; a matching `automatic` rule sets the mode and its own limits.
 * Pure: rate limits and cooldowns are enforced afterwards against Redis.
 */
export function decideSignal(policy: Policy, fields: SignalFields): EventDecision {
  if (fields.type !== "Warning")
    return { action: "ignore", reason: `not a Warning (${fields.type ?? "no type"})` };
  const namespace = fields.namespace ?? "";
  if (!namespace) return { action: "ignore", reason: "cluster-scoped event (no namespace)" };
  if (!anyGlob(policy.namespaces, namespace)) {
    return { action: "ignore", reason: `namespace ${namespace} is outside the policy's namespaces` };
  }
  const ruleIndex = policy.automatic.findIndex((rule) => selectorMatches(rule.selector, fields));
  const rule = ruleIndex >= 0 ? policy.automatic[ruleIndex] : undefined;
  const route = routeFor(policy, namespace);
  const channel = rule?.channel ?? route?.channel;
  if (!channel && !rule) return { action: "ignore", reason: `no route or rule for namespace ${namespace}` };
  return {
    action: "incident",
    ...(rule ? { ruleIndex } : {}),
    mode: rule?.mode ?? "manual",
    ...(channel ? { channel } : {}),
    notifyOnStart: route?.notifyOnStart ?? true,
    notifyOnComplete: route?.notifyOnComplete ?? true,
    eventsPerMinute: rule?.eventsPerMinute ?? policy.rateLimiting.eventsPerMinute,
    cooldownMinutes: rule?.cooldownMinutes ?? policy.rateLimiting.cooldownMinutes,
  };
}

/** When the event last happened (lastTimestamp, eventTime or creation), as epoch ms; NaN if unknown. */
export function eventTime(event: KubeEvent): number {
  const stamp =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return stamp ? Date.parse(stamp) : Number.NaN;
}

/** One occurrence of an event: the same Event object counts up as it repeats. */
export function occurrenceOf(event: KubeEvent): string {
  return `${event.metadata.uid ?? event.metadata.name}:${event.count ?? 1}`;
}
