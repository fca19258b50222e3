import type { KubeObject, ObjectMeta } from "../domain/kube.js";
import { EventRecorder } from "./event-recorder.js";
import { type Change, ChangeHistory } from "./history.js";
import { IdSource } from "./ids.js";
import { storedCopy } from "./json-cache.js";
import { groupVersion, type KindSpec, kindByName } from "./kinds.js";
import { LogTable } from "./log-table.js";
import { bucketOf, copyObject, finalizeMetadata, storeKey } from "./objects.js";
import { lowerBound, OwnerIndex } from "./owner-index.js";
import type { ClusterView } from "./types.js";

/** Objects of one kind, with a lazily built sorted key index for paginated lists. */
interface Bucket {
  objects: Map<string, KubeObject>;
  /** Sorted keys; undefined until a list needs them (bulk loads stay O(n)). */
  sorted: string[] | undefined;
}

/** How a deletion treats dependents (ownerReferences). */
export type Propagation = "Background" | "Foreground" | "Orphan";

/**
 * The simulated cluster's storage: every object by kind and key, a global resourceVersion
 * counter, a bounded change history with fan-out to watchers, owner-reference garbage
 * collection, the Event recorder and the pod log table. Stored objects are never mutated in
 * place (a write replaces them), so handlers can serialize them without copying; the
 * `ClusterView` methods hand out copies because the model mutates what it gets.
 */
export class SimStore implements ClusterView {
  readonly #buckets = new Map<string, Bucket>();
  readonly #history: ChangeHistory;
  readonly #listeners = new Set<(change: Change) => void>();
  readonly #owners = new OwnerIndex();
  /** namespace -> number of objects in it (a namespace with objects exists even without its Namespace). */
  readonly #namespaceCounts = new Map<string, number>();
  readonly #now: () => string;
  #rv = 0;
  readonly events: EventRecorder;
  readonly logs = new LogTable();
  /** Names and uids the server generates (seeded: runs are reproducible). */
  readonly ids: IdSource;

  constructor(options: { now: () => string; nowMs: () => number; historyLimit?: number; seed?: number }) {
    this.#now = options.now;
    this.ids = new IdSource(options.seed);
    this.#history = new ChangeHistory(options.historyLimit ?? 1000);
    this.events = new EventRecorder(this, options.nowMs);
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Oldest resourceVersion a watch can resume from. */
  get historyFloor(): number {
    return this.#history.floor;
  }

  now(): string {
    return this.#now();
  }

  // --- ClusterView (copies in and out) ---

  list(kind: string, namespace?: string): KubeObject[] {
    const bucket = this.#buckets.get(kind);
    if (!bucket) return [];
    // Creation order (not key order), like the model saw it before any list was served.
    const result: KubeObject[] = [];
    for (const object of bucket.objects.values()) {
      if (namespace === undefined || object.metadata.namespace === namespace) result.push(storedCopy(object));
    }
    return result;
  }

  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    const object = this.getStored(kind, namespace, name);
    return object ? storedCopy(object) : undefined;
  }

  upsert(object: KubeObject): KubeObject {
    const copy = copyObject(object);
    const bucket = bucketOf(copy);
    const spec = kindByName(bucket);
    if (spec && !copy.apiVersion) copy.apiVersion = groupVersion(spec);
    const existing = copy.metadata.name
      ? this.getStored(bucket, copy.metadata.namespace ?? "", copy.metadata.name)
      : undefined;
    finalizeMetadata(copy, existing, spec, this.#now(), this.ids);
    return storedCopy(this.write(copy));
  }

  remove(kind: string, namespace: string, name: string): void {
    this.delete(kind, namespace, name);
  }

  recordEvent(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    this.events.record(involved, type, reason, message, component, fieldPath);
  }

  setLog(namespace: string, pod: string, container: string, previous: boolean, text: string): void {
    this.logs.set({ namespace, pod, container, previous, text });
  }

  // --- server-side access (stored objects: read-only, never mutate) ---

  /** The stored object itself (do not mutate). */
  getStored(bucket: string, namespace: string, name: string): KubeObject | undefined {
    return this.#buckets.get(bucket)?.objects.get(storeKey(namespace, name));
  }

  /** Every bucket name with at least one object. */
  bucketNames(): string[] {
    return [...this.#buckets.keys()].filter((name) => (this.#buckets.get(name)?.objects.size ?? 0) > 0);
  }

  /** Number of objects in a bucket. */
  count(bucket: string): number {
    return this.#buckets.get(bucket)?.objects.size ?? 0;
  }

  /**
   * Sorted keys of a bucket and the index range [start, end) holding `namespace` (all when
   * undefined), starting at the first key >= `from` when continuing a paginated list.
   */
  keyRange(
    bucket: string,
    namespace?: string,
    from?: string,
  ): { keys: string[]; start: number; end: number } {
    const entry = this.#buckets.get(bucket);
    if (!entry) return { keys: [], start: 0, end: 0 };
    if (!entry.sorted) entry.sorted = [...entry.objects.keys()].sort();
    const keys = entry.sorted;
    let start = namespace ? lowerBound(keys, `${namespace}/`) : 0;
    // "ns0" sorts right after "ns/", so the namespace's range ends at the first key >= "ns0".
    const end = namespace ? lowerBound(keys, `${namespace}0`) : keys.length;
    if (from !== undefined) start = Math.max(start, lowerBound(keys, from));
    return { keys, start, end };
  }

  /** The stored object at a key (do not mutate). */
  at(bucket: string, key: string): KubeObject | undefined {
    return this.#buckets.get(bucket)?.objects.get(key);
  }

  /** True when a namespace exists or holds objects (state dumps often lack Namespace objects). */
  namespaceExists(namespace: string): boolean {
    return (
      this.getStored("Namespace", "", namespace) !== undefined ||
      (this.#namespaceCounts.get(namespace) ?? 0) > 0
    );
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes after `rv`, or undefined when the history no longer reaches back that far. */
  changesSince(rv: number): Change[] | undefined {
    return this.#history.since(rv);
  }

  /**
   * Stores `object` (metadata already finalized), taking ownership of it: assigns the next
   * resourceVersion, indexes owners and events, records history and notifies watchers.
   * `keepVersion` keeps a numeric resourceVersion from a state file (bulk load).
   */
  write(object: KubeObject, keepVersion = false): KubeObject {
    const bucketName = bucketOf(object);
    const name = object.metadata.name;
    if (!name) throw new Error(`cannot store a ${object.kind ?? "object"} without metadata.name`);
    const key = storeKey(object.metadata.namespace, name);
    let bucket = this.#buckets.get(bucketName);
    if (!bucket) {
      bucket = { objects: new Map(), sorted: undefined };
      this.#buckets.set(bucketName, bucket);
    }
    const previous = bucket.objects.get(key);
    const given = Number(object.metadata.resourceVersion);
    if (keepVersion && Number.isSafeInteger(given) && given > 0) {
      this.#rv = Math.max(this.#rv, given);
    } else {
      this.#rv++;
      object.metadata.resourceVersion = String(this.#rv);
    }
    bucket.objects.set(key, object);
    if (!previous) {
      if (bucket.sorted) bucket.sorted.splice(lowerBound(bucket.sorted, key), 0, key);
      this.#countNamespace(object.metadata.namespace, 1);
    }
    this.#owners.update(bucketName, key, previous, object);
    if (bucketName === "Event") this.events.index(object, previous);
    this.#emit({
      type: previous ? "MODIFIED" : "ADDED",
      bucket: bucketName,
      rv: this.#rv,
      object,
      ...(previous ? { previous } : {}),
    });
    return object;
  }

  /**
   * Deletes an object and (unless orphaning) its dependents, recursively. Returns the deleted
   * object as last stored, with the deletion's resourceVersion.
   */
  delete(
    bucketName: string,
    namespace: string,
    name: string,
    propagation: Propagation = "Background",
  ): KubeObject | undefined {
    const bucket = this.#buckets.get(bucketName);
    const key = storeKey(namespace, name);
    const previous = bucket?.objects.get(key);
    if (!bucket || !previous) return undefined;
    bucket.objects.delete(key);
    if (bucket.sorted) {
      const index = lowerBound(bucket.sorted, key);
      if (bucket.sorted[index] === key) bucket.sorted.splice(index, 1);
    }
    this.#countNamespace(previous.metadata.namespace, -1);
    this.#owners.update(bucketName, key, previous, undefined);
    if (bucketName === "Event") this.events.index(undefined, previous);
    this.#rv++;
    const deleted: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(this.#rv) },
    };
    this.#emit({ type: "DELETED", bucket: bucketName, rv: this.#rv, object: deleted, previous });
    this.#collectDependents(previous, propagation);
    if (bucketName === "Namespace") this.#deleteNamespaceContents(name);
    return deleted;
  }

  /** Forgets the change history (after a bulk load: watches start from here). */
  resetHistory(): void {
    this.#history.reset(this.#rv);
  }

  #emit(change: Change): void {
    this.#history.push(change);
    for (const listener of this.#listeners) listener(change);
  }

  #countNamespace(namespace: string | undefined, delta: number): void {
    if (!namespace) return;
    const next = (this.#namespaceCounts.get(namespace) ?? 0) + delta;
    if (next > 0) this.#namespaceCounts.set(namespace, next);
    else this.#namespaceCounts.delete(namespace);
  }

  #collectDependents(owner: KubeObject, propagation: Propagation): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const { bucket, key } of this.#owners.take(uid)) {
      const dependent = this.#buckets.get(bucket)?.objects.get(key);
      if (!dependent) continue;
      if (propagation === "Orphan") {
        const references = (dependent.metadata.ownerReferences ?? []).filter(
          (reference) => reference.uid !== uid,
        );
        const metadata: ObjectMeta = { ...dependent.metadata, ownerReferences: references };
        if (references.length === 0) delete metadata.ownerReferences;
        this.write({ ...dependent, metadata });
      } else {
        this.delete(bucket, dependent.metadata.namespace ?? "", dependent.metadata.name ?? "", propagation);
      }
    }
  }

  #deleteNamespaceContents(namespace: string): void {
    for (const [bucketName, bucket] of this.#buckets) {
      const spec: KindSpec | undefined = kindByName(bucketName);
      if (spec && !spec.namespaced) continue;
      for (const object of [...bucket.objects.values()]) {
        if (object.metadata.namespace === namespace)
          this.delete(bucketName, namespace, object.metadata.name ?? "");
      }
    }
  }
}
