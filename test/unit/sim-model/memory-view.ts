import type { KubeEvent, KubeObject } from "../../../src/domain/kube.js";
import type { ClusterView } from "../../../src/sim/types.js";

/**
 * A minimal in-memory ClusterView for the model's unit tests: objects by kind and key, a
 * resourceVersion counter, owner-reference cascade on delete, kubelet-style event aggregation,
 * a log table and a clock that only moves when told.
 */
export class MemoryView implements ClusterView {
  readonly objects = new Map<string, Map<string, KubeObject>>();
  readonly logs = new Map<string, string>();
  rv = 0;
  #ms: number;
  #uid = 0;

  constructor(now = "2026-01-15T09:00:00Z") {
    this.#ms = Date.parse(now);
  }

  now(): string {
    return new Date(this.#ms).toISOString().replace(".000Z", "Z");
  }

  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return [...(this.objects.get(kind)?.values() ?? [])]
      .filter((object) => namespace === undefined || object.metadata.namespace === namespace)
      .map((object) => structuredClone(object));
  }

  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    const object = this.objects.get(kind)?.get(`${namespace}/${name}`);
    return object ? structuredClone(object) : undefined;
  }

  upsert(object: KubeObject): KubeObject {
    const kind = object.kind ?? "";
    const copy = structuredClone(object);
    const key = `${copy.metadata.namespace ?? ""}/${copy.metadata.name}`;
    let bucket = this.objects.get(kind);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(kind, bucket);
    }
    const existing = bucket.get(key);
    copy.metadata.uid = existing?.metadata.uid ?? copy.metadata.uid ?? `uid-${++this.#uid}`;
    copy.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ?? copy.metadata.creationTimestamp ?? this.now();
    if (
      copy.spec !== undefined &&
      ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"].includes(kind)
    ) {
      const previous = existing?.metadata.generation ?? 1;
      copy.metadata.generation = !existing
        ? (copy.metadata.generation ?? 1)
        : JSON.stringify(existing.spec) === JSON.stringify(copy.spec)
          ? previous
          : previous + 1;
    }
    copy.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, copy);
    return structuredClone(copy);
  }

  remove(kind: string, namespace: string, name: string): void {
    const removed = this.objects.get(kind)?.get(`${namespace}/${name}`);
    if (!removed) return;
    this.objects.get(kind)?.delete(`${namespace}/${name}`);
    this.rv++;
    for (const [dependentKind, bucket] of this.objects) {
      for (const dependent of [...bucket.values()]) {
        if (dependent.metadata.ownerReferences?.some((owner) => owner.uid === removed.metadata.uid)) {
          this.remove(dependentKind, dependent.metadata.namespace ?? "", dependent.metadata.name ?? "");
        }
      }
    }
  }

  recordEvent(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const existing = this.events().find(
      (event) =>
        event.involvedObject.uid === involved.metadata.uid &&
        event.involvedObject.name === involved.metadata.name &&
        event.reason === reason &&
        event.message === message &&
        event.type === type,
    );
    if (existing) {
      this.upsert({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: this.now() });
      return;
    }
    const event: KubeEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${involved.metadata.name}.${(++this.#uid).toString(16)}`,
        namespace: involved.metadata.namespace || "default",
      },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: this.now(),
      lastTimestamp: this.now(),
      source: { component },
    };
    this.upsert(event);
  }

  setLog(namespace: string, pod: string, container: string, previous: boolean, text: string): void {
    this.logs.set(`${namespace}/${pod}/${container}/${previous}`, text);
  }

  // --- test helpers ---

  events(): KubeEvent[] {
    return this.list("Event") as KubeEvent[];
  }

  /** Events about one object (by name), optionally of one reason. */
  eventsFor(name: string, reason?: string): KubeEvent[] {
    return this.events().filter(
      (event) => event.involvedObject.name === name && (reason === undefined || event.reason === reason),
    );
  }

  /** A fingerprint of every object's resourceVersion (unchanged when nothing was written). */
  versions(): string {
    return JSON.stringify(
      [...this.objects.entries()].flatMap(([kind, bucket]) =>
        [...bucket.values()].map(
          (object) =>
            `${kind}/${object.metadata.namespace}/${object.metadata.name}@${object.metadata.resourceVersion}`,
        ),
      ),
    );
  }

  /** Loads objects as a state file would. */
  load(objects: KubeObject[]): void {
    for (const object of objects) this.upsert(object);
  }
}
