import type { KubeObject } from "../domain/kube.js";
import { DEFAULT_SIM_TIME } from "./clock.js";
import { groupVersion, KINDS, kindForObject } from "./kinds.js";
import { bucketOf, copyObject, finalizeMetadata } from "./objects.js";
import { recordedTimes } from "./recorded.js";
import type { ParsedState } from "./state-file.js";
import type { SimStore } from "./store.js";

/**
 * Moving whole states in and out of the store: loading a parsed state file (objects keep the
 * statuses and resourceVersions they were given) and exporting the store as a state again.
 */

/**
 * Where the clock starts: the state's Clock, else the newest instant recorded anywhere in it
 * (container start/finish, condition transitions, events, creation), else a fixed default. A dump
 * must never be read as of a moment before its own last container termination.
 */
export function startTime(state: ParsedState | undefined): string {
  if (state?.clock) return state.clock;
  const { newestMs } = recordedTimes(state?.objects ?? []);
  return newestMs === undefined ? DEFAULT_SIM_TIME : new Date(newestMs).toISOString();
}

/**
 * Loads objects and logs into the store; returns warnings (e.g. duplicates). The state's objects
 * are shared with the store, not deep-copied (loading 300k objects must stay fast).
 */
export function loadState(store: SimStore, state: ParsedState): string[] {
  const warnings: string[] = [];
  const now = store.now();
  for (const original of state.objects) {
    // Shallow copy: only metadata is written here; the nested spec/status are shared with the
    // parsed state, which the cluster owns from now on (callers must not mutate it afterwards).
    const object: KubeObject = { ...original, metadata: { ...original.metadata } };
    const spec = kindForObject(object.apiVersion, object.kind);
    if (spec && !object.apiVersion) object.apiVersion = groupVersion(spec);
    const bucket = bucketOf(object);
    const name = object.metadata.name ?? "";
    if (store.getStored(bucket, object.metadata.namespace ?? "", name)) {
      warnings.push(
        `duplicate ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${name}: the later one wins`,
      );
    }
    finalizeMetadata(object, undefined, spec?.viewOf ? undefined : spec, now, store.ids);
    store.write(object, true);
  }
  for (const entry of state.logs) store.logs.set(entry);
  // A watch can only resume from changes made after the load.
  store.resetHistory();
  return warnings;
}

/** The store's content as a state (objects in discovery order of kinds, then by key). */
export function exportParsedState(
  store: SimStore,
  extras: { readyz?: string; livez?: string; clock: string },
): ParsedState {
  const order = KINDS.filter((spec) => !spec.viewOf).map((spec) => spec.kind);
  const buckets = store.bucketNames();
  const sortedBuckets = [
    ...order.filter((bucket) => buckets.includes(bucket)),
    ...buckets.filter((bucket) => !order.includes(bucket)).sort(),
  ];
  const objects: KubeObject[] = [];
  for (const bucket of sortedBuckets) {
    const { keys, start, end } = store.keyRange(bucket);
    for (let index = start; index < end; index++) {
      const object = store.at(bucket, keys[index]!);
      if (object) objects.push(copyObject(object));
    }
  }
  const state: ParsedState = { objects, logs: store.logs.entries(), clock: extras.clock, warnings: [] };
  if (extras.readyz !== undefined) state.readyz = extras.readyz;
  if (extras.livez !== undefined) state.livez = extras.livez;
  return state;
}
