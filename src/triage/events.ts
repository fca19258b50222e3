import type { KubeEvent, KubeObject } from "../domain/kube.js";
import { eventTimeMs } from "./event-time.js";
import { objectKey, type SnapshotIndex } from "./snapshot-index.js";
import { supersededBy } from "./superseded.js";

export { eventTimeMs } from "./event-time.js";

/**
 * A warning older than this, about an object that is healthy again, is history, not an incident.
 * One hour matches the API server's default event TTL.
 */
export const RECENT_MS = 60 * 60 * 1000;

/** True when the event happened within RECENT_MS of `nowMs` (undated events count as recent). */
export function isRecent(event: KubeEvent, nowMs: number): boolean {
  const time = eventTimeMs(event);
  return time === undefined || nowMs - time <= RECENT_MS;
}

/** Events about one object (same uid when both carry one), in snapshot order, history included. */
export function allEventsOf(index: SnapshotIndex, kind: string, object: KubeObject): KubeEvent[] {
  const { namespace, name, uid } = object.metadata;
  const events = index.eventsByObject.get(objectKey(kind, namespace, name)) ?? [];
  return events.filter((event) => !uid || !event.involvedObject.uid || event.involvedObject.uid === uid);
}

/**
 * Current events about one object, newest first. Events whose involved uid differs from the
 * object's are about an earlier object of the same name (a recreated pod) and are dropped, and so
 * are warnings a later success answered (history, see superseded.ts).
 */
export function eventsOf(index: SnapshotIndex, kind: string, object: KubeObject): KubeEvent[] {
  const all = allEventsOf(index, kind, object);
  const matching = all.filter((event) => supersededBy(event, all, object) === undefined);
  if (matching.length < 2) return matching;
  // Parse each timestamp once, not once per comparison.
  return matching
    .map((event) => ({ event, time: eventTimeMs(event) ?? 0 }))
    .sort((a, b) => b.time - a.time)
    .map((entry) => entry.event);
}

/** `Warning FailedScheduling Pod a-team/db-0 (x12): <message verbatim>`. */
export function quoteEvent(event: KubeEvent): string {
  const involved = event.involvedObject;
  const where = `${involved.kind ?? "object"} ${involved.namespace ? `${involved.namespace}/` : ""}${involved.name ?? ""}`;
  const seriesCount = (event.series as { count?: number } | undefined)?.count;
  const times = event.count ?? seriesCount;
  const count = times && times > 1 ? ` (x${times})` : "";
  return `${event.type ?? "Event"} ${event.reason ?? ""} ${where}${count}: ${event.message ?? ""}`;
}

/** The Warning events among `events` whose reason is one of `reasons` (all when omitted). */
export function warnings(events: KubeEvent[], reasons?: readonly string[]): KubeEvent[] {
  return events.filter(
    (event) => event.type === "Warning" && (reasons === undefined || reasons.includes(event.reason ?? "")),
  );
}
