import type { KubeEvent, KubeObject } from "../../domain/kube.js";
import type { ClusterView } from "../types.js";
import { hexFrom } from "./util/hash.js";
import { formatTime } from "./util/time.js";

/** Who reports an event, as the real components fill `source`. */
export interface EventSource {
  component: string;
  host?: string;
}

/** Options of an event whose count is derived from the simulated timeline. */
export interface TimelineEvent {
  /** How many times it has happened by now; the stored count is raised to this, never lowered. */
  count: number;
  /** When it first happened (epoch ms); defaults to now. */
  firstMs?: number;
  /** When it last happened (epoch ms); defaults to now. */
  lastMs?: number;
  fieldPath?: string;
}

const API_VERSIONS: Record<string, string> = {
  Pod: "v1",
  Node: "v1",
  PersistentVolumeClaim: "v1",
  Service: "v1",
  Endpoints: "v1",
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
};

/**
 * Emits Events. Occurrence events (a controller did something once) go through
 * `view.recordEvent`, which aggregates repeats. Timeline events (the kubelet retrying a pull every
 * back-off period) are written with the count they must have at the current simulated time, so a
 * reconcile that finds nothing new writes nothing, and a big clock jump costs one write per event.
 */
export class EventSink {
  readonly #view: ClusterView;
  readonly #nowMs: number;
  /** aggregation key -> stored Event; built on first use. */
  #index: Map<string, KubeEvent> | undefined;
  /** Keys recorded through the view since the index was built. */
  readonly #recorded = new Set<string>();
  writes = 0;
  /**
   * While set, nothing is recorded: used to recompute a pod's status to see whether it changed
   * without re-deriving its events (same status at the same instant means the same events).
   */
  muted = false;

  constructor(view: ClusterView, nowMs: number) {
    this.#view = view;
    this.#nowMs = nowMs;
  }

  /** Records one occurrence (count + 1 when it repeats). */
  occurred(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    if (this.muted) return;
    this.#view.recordEvent(involved, type, reason, message, source.component, fieldPath);
    // The index misses this event now; only a timeline write of the very same event needs it.
    this.#recorded.add(this.#key(involved, type, reason, message));
    this.writes++;
  }

  /**
   * Records one occurrence at `atMs`: as an occurrence when that is now, or, for something a
   * backdated object did in the past, as a single event dated then.
   */
  occurredAt(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
    atMs: number,
  ): void {
    if (atMs >= this.#nowMs) this.occurred(involved, type, reason, message, source);
    else this.timeline(involved, type, reason, message, source, { count: 1, firstMs: atMs, lastMs: atMs });
  }

  /** Makes sure an event exists with at least `options.count` occurrences. */
  timeline(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
    options: TimelineEvent,
  ): void {
    if (this.muted || options.count <= 0) return;
    const reference = {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
    };
    const key = this.#key(involved, type, reason, message);
    if (this.#recorded.has(key)) {
      this.#index = undefined;
      this.#recorded.clear();
    }
    const index = this.#events();
    const existing = index.get(key);
    const last = formatTime(Math.min(options.lastMs ?? this.#nowMs, this.#nowMs));
    if (existing) {
      if ((existing.count ?? 1) >= options.count) return;
      const updated = { ...existing, count: options.count, lastTimestamp: last };
      index.set(key, this.#view.upsert(updated) as KubeEvent);
      this.writes++;
      return;
    }
    const involvedObject: KubeEvent["involvedObject"] & Record<string, unknown> = {
      apiVersion: API_VERSIONS[involved.kind ?? ""] ?? involved.apiVersion,
      ...reference,
    };
    if (options.fieldPath) involvedObject.fieldPath = options.fieldPath;
    for (const field of Object.keys(involvedObject))
      if (involvedObject[field] === undefined) delete involvedObject[field];
    const first = formatTime(Math.min(options.firstMs ?? this.#nowMs, this.#nowMs));
    const event: KubeEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${involved.metadata.name ?? "unknown"}.${hexFrom(key, 16)}`,
        namespace: involved.metadata.namespace || "default",
        creationTimestamp: first,
      },
      involvedObject,
      reason,
      message,
      type,
      count: options.count,
      firstTimestamp: first,
      lastTimestamp: last,
      source: source.host
        ? { component: source.component, host: source.host }
        : { component: source.component },
      reportingComponent: source.component,
      reportingInstance: source.host ?? "",
    };
    index.set(key, this.#view.upsert(event) as KubeEvent);
    this.writes++;
  }

  /** The aggregation key the API server's recorder uses (namespace, involved object, type, reason, message). */
  #key(involved: KubeObject, type: string, reason: string, message: string): string {
    const metadata = involved.metadata;
    return [
      metadata.namespace || "default",
      involved.kind,
      metadata.namespace,
      metadata.name,
      metadata.uid,
      type,
      reason,
      message,
    ].join("\u0000");
  }

  #events(): Map<string, KubeEvent> {
    if (this.#index) return this.#index;
    const index = new Map<string, KubeEvent>();
    for (const object of this.#view.list("Event")) {
      const event = object as KubeEvent;
      const involved = event.involvedObject ?? {};
      const key = [
        event.metadata.namespace ?? "",
        involved.kind,
        involved.namespace,
        involved.name,
        involved.uid,
        event.type,
        event.reason,
        event.message,
      ].join("\u0000");
      index.set(key, event);
    }
    this.#index = index;
    return index;
  }
}
