import type { KubeEvent, KubeObject } from "../domain/kube.js";
import type { IdSource } from "./ids.js";
import { groupVersion, kindForObject } from "./kinds.js";
import { finalizeMetadata } from "./objects.js";

/** What the recorder needs from the store (kept narrow so the two files do not depend on each other). */
interface EventSink {
  readonly ids: IdSource;
  now(): string;
  getStored(bucket: string, namespace: string, name: string): KubeObject | undefined;
  write(object: KubeObject): KubeObject;
}

function aggregationKey(
  event: Pick<KubeEvent, "involvedObject" | "type" | "reason" | "message">,
  namespace: string,
): string {
  const involved = event.involvedObject ?? {};
  return [
    namespace,
    involved.kind,
    involved.namespace,
    involved.name,
    involved.uid,
    event.type,
    event.reason,
    event.message,
  ].join("\u0000");
}

/**
 * Records core/v1 Events the way the kubelet's event recorder does: a repeat of the same
 * (involved object, type, reason, message) bumps `count` and `lastTimestamp` of the existing
 * Event instead of creating a new one. Events of cluster-scoped objects live in "default".
 */
export class EventRecorder {
  readonly #sink: EventSink;
  readonly #nowMs: () => number;
  /** aggregation key -> event name (in the key's namespace). */
  readonly #index = new Map<string, string>();
  #sequence = 0;

  constructor(sink: EventSink, nowMs: () => number) {
    this.#sink = sink;
    this.#nowMs = nowMs;
  }

  /** Keeps the aggregation index in step with stored Events (called by the store on every Event write). */
  index(event: KubeObject | undefined, previous: KubeObject | undefined): void {
    if (previous) {
      const key = aggregationKey(previous as KubeEvent, previous.metadata.namespace ?? "");
      if (this.#index.get(key) === previous.metadata.name) this.#index.delete(key);
    }
    if (event)
      this.#index.set(
        aggregationKey(event as KubeEvent, event.metadata.namespace ?? ""),
        event.metadata.name ?? "",
      );
  }

  record(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): KubeEvent {
    const now = this.#sink.now();
    const namespace = involved.metadata.namespace || "default";
    const spec = kindForObject(involved.apiVersion, involved.kind);
    const reference: KubeEvent["involvedObject"] & Record<string, unknown> = {
      kind: involved.kind ?? spec?.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion ?? (spec ? groupVersion(spec) : undefined),
      resourceVersion: involved.metadata.resourceVersion,
    };
    if (fieldPath) reference.fieldPath = fieldPath;
    for (const field of Object.keys(reference)) if (reference[field] === undefined) delete reference[field];
    const key = aggregationKey({ involvedObject: reference, type, reason, message }, namespace);
    const existingName = this.#index.get(key);
    const existing = existingName
      ? (this.#sink.getStored("Event", namespace, existingName) as KubeEvent | undefined)
      : undefined;
    if (existing) {
      const updated: KubeEvent = {
        ...existing,
        metadata: { ...existing.metadata },
        count: (existing.count ?? 1) + 1,
        lastTimestamp: now,
      };
      return this.#sink.write(updated) as KubeEvent;
    }
    // The kubelet names events <object>.<unix nanos in hex>; the sequence keeps names unique
    // while the simulated clock stands still.
    const nanos = BigInt(this.#nowMs()) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const event: KubeEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${involved.metadata.name ?? "unknown"}.${nanos.toString(16)}`, namespace },
      involvedObject: reference,
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: "",
    };
    // Core Events written by the kubelet carry an explicit null eventTime.
    (event as Record<string, unknown>).eventTime = null;
    finalizeMetadata(event, undefined, undefined, now, this.#sink.ids);
    return this.#sink.write(event) as KubeEvent;
  }
}
