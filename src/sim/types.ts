import type { KubeObject } from "../domain/kube.js";

/**
 * The simulated cluster's contract between its API server (storage, REST, watch) and its model of
 * the kubelet, scheduler and controllers. The model is written against `ClusterView` only, so it
 * can be unit-tested over an in-memory view and run by the server after every change.
 */

/** Key of one object: kind plus namespace ("" when cluster-scoped) plus name. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

/** What the model may see and change. Implemented by the server's store (and by test doubles). */
export interface ClusterView {
  /** The simulated clock, RFC 3339. */
  now(): string;
  /** Objects of one kind (e.g. "Pod"), optionally in one namespace. Returned objects are copies. */
  list(kind: string, namespace?: string): KubeObject[];
  get(kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Creates or replaces an object (assigns uid, resourceVersion, creationTimestamp as needed). */
  upsert(object: KubeObject): KubeObject;
  remove(kind: string, namespace: string, name: string): void;
  /**
   * Records a core/v1 Event about an object, aggregating repeats the way the kubelet does (same
   * object, reason and message -> count + 1 and lastTimestamp = now).
   */
  recordEvent(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void;
  /** Container log lines the model produced (served by pods/log). */
  setLog(namespace: string, pod: string, container: string, previous: boolean, text: string): void;
}

/** The simulated kubelet/scheduler/controllers; run after every change and clock advance. */
export type Reconciler = (view: ClusterView) => void;

/** Annotations that declare behaviour a spec cannot express (documented in src/sim/README.md). */
export const SIM_ANNOTATION_PREFIX = "triage.sim/";
