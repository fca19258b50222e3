import type { KubeEvent } from "../domain/kube.js";

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
