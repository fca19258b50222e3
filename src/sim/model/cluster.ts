import type {
  KubeObject,
  Node,
  PersistentVolumeClaim,
  Pod,
  ResourceQuota,
  Service,
  StorageClass,
} from "../../domain/kube.js";
import type { ClusterView } from "../types.js";
import { EventSink } from "./events.js";
import { jsonEqual } from "./util/equal.js";
import { parseTime } from "./util/time.js";

/** `namespace/name`. */
export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
}

function byKey<T extends KubeObject>(objects: KubeObject[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const object of objects) map.set(keyOf(object), object as T);
  return map;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

/**
 * One reconcile pass's picture of the cluster: every kind the model reads, listed once and indexed
 * (pods by namespace, owner and node) so each controller's per-object work is O(1). Writes go
 * through `save`/`create`/`delete`, which skip no-op writes and keep the indexes current for the
 * stages that run after them in the same pass.
 */
export class Cluster {
  readonly view: ClusterView;
  readonly now: string;
  readonly nowMs: number;
  readonly events: EventSink;
  writes = 0;

  readonly nodes = new Map<string, Node>();
  readonly namespaces = new Map<string, KubeObject>();
  readonly storageClasses = new Map<string, StorageClass>();
  readonly persistentVolumes = new Map<string, KubeObject>();
  readonly pods = new Map<string, Pod>();
  readonly podsByNamespace = new Map<string, Set<string>>();
  readonly podsByOwner = new Map<string, Set<string>>();
  readonly podsByNode = new Map<string, Set<string>>();
  readonly claims: Map<string, PersistentVolumeClaim>;
  readonly secrets: Map<string, KubeObject>;
  readonly configMaps: Map<string, KubeObject>;
  readonly services: Map<string, Service>;
  readonly endpoints: Map<string, KubeObject>;
  readonly quotas = new Map<string, ResourceQuota[]>();
  /** Derived data a stage keeps for the rest of one pass (quota usage, pod IPs in use). */
  readonly #passCaches = new Map<string, unknown>();
  /** namespace, label and value -> pod keys; built lazily, dropped when pods change. */
  #byLabel: Map<string, Set<string>> | undefined;

  /**
   * True when a pass at this same simulated instant already derived every event: an object whose
   * status does not change now needs no event work (counts depend only on status and time).
   */
  sameInstant: boolean;
  /**
   * Set when a write may have changed objects behind the indexes' back (deleting an owner lets the
   * API server garbage-collect its dependents): the next pass must list the cluster afresh.
   */
  stale = false;

  constructor(view: ClusterView, options: { sameInstant?: boolean } = {}) {
    this.view = view;
    this.now = view.now();
    this.nowMs = parseTime(this.now) ?? Date.now();
    this.sameInstant = options.sameInstant ?? false;
    this.events = new EventSink(view, this.nowMs);
    for (const node of view.list("Node")) this.nodes.set(node.metadata.name ?? "", node as Node);
    for (const namespace of view.list("Namespace"))
      this.namespaces.set(namespace.metadata.name ?? "", namespace);
    for (const sc of view.list("StorageClass"))
      this.storageClasses.set(sc.metadata.name ?? "", sc as StorageClass);
    for (const pv of view.list("PersistentVolume")) this.persistentVolumes.set(pv.metadata.name ?? "", pv);
    for (const pod of view.list("Pod")) this.#indexPod(pod as Pod);
    this.claims = byKey(view.list("PersistentVolumeClaim"));
    this.secrets = byKey(view.list("Secret"));
    this.configMaps = byKey(view.list("ConfigMap"));
    this.services = byKey(view.list("Service"));
    this.endpoints = byKey(view.list("Endpoints"));
    for (const quota of view.list("ResourceQuota")) {
      const namespace = quota.metadata.namespace ?? "";
      this.quotas.set(namespace, [...(this.quotas.get(namespace) ?? []), quota as ResourceQuota]);
    }
  }

  /** Pods of a namespace. */
  podsIn(namespace: string): Pod[] {
    return this.#resolve(this.podsByNamespace.get(namespace));
  }

  /** Pods whose controller (or any owner) has this uid. */
  podsOwnedBy(uid: string | undefined): Pod[] {
    return uid ? this.#resolve(this.podsByOwner.get(uid)) : [];
  }

  /**
   * Pods of a namespace carrying every label of `selector` (a Service's), found through a label
   * index built on first use, so matching all Services costs O(matching pods), not O(pods × services).
   */
  podsMatching(namespace: string, selector: Record<string, string>): Pod[] {
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    if (!this.#byLabel) {
      this.#byLabel = new Map();
      for (const [key, pod] of this.pods) {
        for (const [label, value] of Object.entries(pod.metadata.labels ?? {})) {
          addTo(this.#byLabel, `${pod.metadata.namespace ?? ""}\u0000${label}\u0000${value}`, key);
        }
      }
    }
    let smallest: Set<string> | undefined;
    for (const [label, value] of entries) {
      const keys = this.#byLabel.get(`${namespace}\u0000${label}\u0000${value}`);
      if (!keys) return [];
      if (!smallest || keys.size < smallest.size) smallest = keys;
    }
    return this.#resolve(smallest).filter((pod) =>
      entries.every(([label, value]) => pod.metadata.labels?.[label] === value),
    );
  }

  /** Pods bound to a node. */
  podsOn(node: string): Pod[] {
    return this.#resolve(this.podsByNode.get(node));
  }

  /** A value derived once per pass under `key` (`create` runs on first use in the pass). */
  passCache<T>(key: string, create: () => T): T {
    if (!this.#passCaches.has(key)) this.#passCaches.set(key, create());
    return this.#passCaches.get(key) as T;
  }

  /** The value under `key` this pass, if it was derived already. */
  peekPassCache<T>(key: string): T | undefined {
    return this.#passCaches.get(key) as T | undefined;
  }

  /** Starts another pass over the same listing (cheaper than listing every object again). */
  startPass(sameInstant: boolean): void {
    this.#passCaches.clear();
    this.writes = 0;
    this.events.writes = 0;
    this.sameInstant = sameInstant;
  }

  /** Total model writes this pass (objects and events). */
  get totalWrites(): number {
    return this.writes + this.events.writes;
  }

  /** Stores a changed object (the caller has compared and knows it changed); returns the stored copy. */
  save<T extends KubeObject>(object: T): T {
    const stored = this.view.upsert(object) as T;
    this.writes++;
    this.#track(stored);
    return stored;
  }

  /** Stores `object` when `part(object)` differs from `before`; true when written. */
  saveIfChanged<T extends KubeObject>(object: T, before: unknown, after: unknown): boolean {
    if (jsonEqual(before, after)) return false;
    this.save(object);
    return true;
  }

  /** Removes an object (and, through the server's garbage collector, its dependents). */
  delete(object: KubeObject): void {
    const kind = object.kind ?? "";
    this.view.remove(kind, object.metadata.namespace ?? "", object.metadata.name ?? "");
    this.writes++;
    if (kind === "Pod") this.#unindexPod(object as Pod);
    else this.stale = true;
  }

  #track(object: KubeObject): void {
    const key = keyOf(object);
    switch (object.kind) {
      case "Pod": {
        const previous = this.pods.get(key);
        if (previous) this.#unindexPod(previous);
        this.#indexPod(object as Pod);
        break;
      }
      case "PersistentVolumeClaim":
        this.claims.set(key, object as PersistentVolumeClaim);
        break;
      case "PersistentVolume":
        this.persistentVolumes.set(object.metadata.name ?? "", object);
        break;
      case "Node":
        this.nodes.set(object.metadata.name ?? "", object as Node);
        break;
      case "Endpoints":
        this.endpoints.set(key, object);
        break;
      default:
        break;
    }
  }

  #indexPod(pod: Pod): void {
    this.#byLabel = undefined;
    const key = keyOf(pod);
    this.pods.set(key, pod);
    addTo(this.podsByNamespace, pod.metadata.namespace ?? "", key);
    for (const owner of pod.metadata.ownerReferences ?? []) addTo(this.podsByOwner, owner.uid, key);
    if (pod.spec?.nodeName) addTo(this.podsByNode, pod.spec.nodeName, key);
  }

  #unindexPod(pod: Pod): void {
    this.#byLabel = undefined;
    const key = keyOf(pod);
    this.pods.delete(key);
    this.podsByNamespace.get(pod.metadata.namespace ?? "")?.delete(key);
    for (const owner of pod.metadata.ownerReferences ?? []) this.podsByOwner.get(owner.uid)?.delete(key);
    if (pod.spec?.nodeName) this.podsByNode.get(pod.spec.nodeName)?.delete(key);
  }

  #resolve(keys: Set<string> | undefined): Pod[] {
    const result: Pod[] = [];
    for (const key of keys ?? []) {
      const pod = this.pods.get(key);
      if (pod) result.push(pod);
    }
    return result;
  }
}
