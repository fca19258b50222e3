import type { KubeEvent, KubeObject } from "../domain/kube.js";

/**
 * events.k8s.io/v1 Events are a second view of the core/v1 Events the store keeps, as on a real
 * cluster (both APIs read the same storage). Converts the stored core form to that view.
 */
export function toEventsV1(object: KubeObject): KubeObject {
  const event = object as KubeEvent & Record<string, unknown>;
  const view: KubeObject & Record<string, unknown> = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: event.metadata,
    eventTime: event.eventTime ?? null,
    reportingController: event.reportingComponent || event.source?.component || "",
    reportingInstance: (event.reportingInstance as string | undefined) || event.source?.host || "",
    action: (event.action as string | undefined) ?? "",
    reason: event.reason ?? "",
    regarding: event.involvedObject ?? {},
    note: event.message ?? "",
    type: event.type ?? "",
  };
  if (event.related) view.related = event.related;
  if (event.series) view.series = event.series;
  if (event.source) view.deprecatedSource = event.source;
  if (event.firstTimestamp) view.deprecatedFirstTimestamp = event.firstTimestamp;
  if (event.lastTimestamp) view.deprecatedLastTimestamp = event.lastTimestamp;
  if (event.count !== undefined) view.deprecatedCount = event.count;
  return view;
}
