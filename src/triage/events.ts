import type { KubeEvent, KubeObject } from "../domain/kube.js";
import { objectKey, type SnapshotIndex } from "./snapshot-index.js";

/**
 * A warning older than this, about an object that is healthy again, is history, not an incident.
 * One hour matches the API server's default event TTL.
 */
export const RECENT_MS = 60 * 60 * 1000;

/** When the event last happened (ms since epoch), from the newest timestamp it carries. */
export function eventTimeMs(event: KubeEvent): number | undefined {
  // events.k8s.io-style events carry their latest occurrence in series, not lastTimestamp.
  const series = event.series as { lastObservedTime?: string } | undefined;
  const text =
    event.lastTimestamp ??
    series?.lastObservedTime ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp;
  const value = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(value) ? undefined : value;
}

/** True when the event happened within RECENT_MS of `nowMs` (undated events count as recent). */
export function isRecent(event: KubeEvent, nowMs: number): boolean {
  const time = eventTimeMs(event);
  return time === undefined || nowMs - time <= RECENT_MS;
}

/**
 * Events about one object, newest first. Events whose involved uid differs from the object's are
 * about an earlier object of the same name (a recreated pod) and are dropped.
 */
export function eventsOf(index: SnapshotIndex, kind: string, object: KubeObject): KubeEvent[] {
  const { namespace, name, uid } = object.metadata;
  const events = index.eventsByObject.get(objectKey(kind, namespace, name)) ?? [];
  const matching = events.filter(
    (event) => !uid || !event.involvedObject.uid || event.involvedObject.uid === uid,
  );
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
