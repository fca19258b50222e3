import type { Policy } from "../config/policy.js";
import type { Investigation, Trigger } from "../domain/investigation.js";
import type { KubeEvent, KubeObject } from "../domain/kube.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { Logger } from "../log.js";
import type { DetectState } from "./detect-state.js";
import { decideSignal, eventFields, eventTime, occurrenceOf } from "./event-filter.js";
import { incidentKey, type OwnerLookup, owningWorkload } from "./incident-key.js";

/** Starts (or joins) an investigation; the queue's `submitTrigger`. */
export type SubmitTrigger = (trigger: Trigger) => Promise<{ investigation: Investigation; joined: boolean }>;

/** What happened to one event (for logs, the audit trail and tests). */
export type EventOutcome =
  | { result: "ignored"; reason: string }
  | { result: "started" | "joined"; investigationId: string; incident: string };

export interface EventHandlerDeps {
  policy: Policy;
  state: DetectState;
  owners: OwnerLookup;
  submit: SubmitTrigger;
  log: Logger;
  now?: () => number;
}

const pluralOf: Record<string, string> = {
  Pod: "pods",
  ReplicaSet: "replicasets",
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  Job: "jobs",
  CronJob: "cronjobs",
};

/** Owner lookups through the read-only gateway, cached (owners do not change for a given uid). */
export function readerOwnerLookup(reader: ClusterReader, cacheSize = 5000): OwnerLookup {
  const cache = new Map<string, { kind: string; name: string } | undefined>();
  return {
    async ownerOf(kind, namespace, name) {
      const plural = pluralOf[kind];
      if (!plural) return undefined;
      const key = `${kind}/${namespace}/${name}`;
      if (cache.has(key)) return cache.get(key);
      const object: KubeObject | undefined = await reader.get(plural, name, namespace);
      const owner =
        object?.metadata.ownerReferences?.find((ref) => ref.controller) ??
        object?.metadata.ownerReferences?.[0];
      const result = owner && pluralOf[owner.kind] ? { kind: owner.kind, name: owner.name } : undefined;
      // Only cache hits: a pod that is gone now may be recreated with the same name pattern.
      if (object) {
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(key, result);
      }
      return result;
    },
  };
}

/**
 * Turns Warning events into incidents: skips history and repeats, applies the policy's selectors,
 * collapses events per owning workload with a cooldown, enforces global and per-rule rate limits,
 * then submits one trigger per incident (the queue joins it to a running investigation if any).
 */
export function createEventHandler(deps: EventHandlerDeps): (event: KubeEvent) => Promise<EventOutcome> {
  const now = deps.now ?? Date.now;
  return async (event) => {
    const fields = eventFields(event);
    const when = eventTime(event);
    const since = (await deps.state.since()) ?? Number.NEGATIVE_INFINITY;
    // >= because event timestamps have one-second resolution: an event from the boundary's own
    // second may be new; `markHandled` below is what stops repeats.
    if (!(when >= since)) {
      return { result: "ignored", reason: "happened before the watcher's boundary (history)" };
    }
    const occurrence = occurrenceOf(event);
    if (!(await deps.state.markHandled(occurrence))) return { result: "ignored", reason: "already handled" };
    await deps.state.advanceSince(when);

    const decision = decideSignal(deps.policy, fields);
    if (decision.action === "ignore") return { result: "ignored", reason: decision.reason };
    const involved = event.involvedObject;
    const namespace = fields.namespace ?? "";
    const workload = await owningWorkload(
      { kind: involved.kind ?? "Pod", namespace, name: involved.name ?? "" },
      deps.owners,
    );
    const incident = incidentKey(workload);
    if (await deps.state.inCooldown(incident)) {
      return { result: "ignored", reason: `incident ${incident} is cooling down (already reported)` };
    }
    const nowMs = now();
    if (!(await deps.state.takeRate("global", deps.policy.rateLimiting.eventsPerMinute, nowMs))) {
      deps.log.warn("watcher: global rate limit reached; incident not started", { incident });
      return { result: "ignored", reason: "global rate limit reached" };
    }
    if (decision.ruleIndex !== undefined) {
      const allowed = await deps.state.takeRate(
        `rule-${decision.ruleIndex}`,
        decision.eventsPerMinute,
        nowMs,
      );
      if (!allowed) return { result: "ignored", reason: `rate limit of rule #${decision.ruleIndex} reached` };
    }
    await deps.state.startCooldown(incident, decision.cooldownMinutes);

    const trigger: Trigger = {
      source: "watcher",
      namespace,
      target: workload,
      text: `${fields.reason ?? "Warning"} on ${involved.kind}/${involved.name}: ${fields.message ?? ""}`.trim(),
      dedupKey: `event:${occurrence}`,
      receivedAt: new Date(nowMs).toISOString(),
      notify: { onStart: decision.notifyOnStart, onComplete: decision.notifyOnComplete },
      signal: {
        ...(fields.type ? { type: fields.type } : {}),
        ...(fields.reason ? { reason: fields.reason } : {}),
        ...(fields.kind ? { kind: fields.kind } : {}),
        ...(fields.message ? { message: fields.message } : {}),
      },
      ...(decision.channel ? { slack: { channel: decision.channel } } : {}),
    };
    const { investigation, joined } = await deps.submit(trigger);
    deps.log.info("watcher: incident", {
      incident,
      investigationId: investigation.id,
      joined,
      mode: decision.mode,
    });
    return { result: joined ? "joined" : "started", investigationId: investigation.id, incident };
  };
}
