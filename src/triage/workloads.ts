import type { Container, KubeObject, PodSpec, Workload } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";

/** Replica counts of a workload in one shape, whatever its kind. */
export interface Availability {
  desired: number;
  available: number;
}

/** Desired and available replicas; undefined for kinds without replicas (Pod, CronJob, Job). */
export function availabilityOf(kind: string, object: KubeObject | undefined): Availability | undefined {
  if (!object) return undefined;
  const workload = object as Workload;
  const status = workload.status ?? {};
  switch (kind) {
    case "Deployment":
    case "ReplicaSet":
      return {
        desired: workload.spec?.replicas ?? 1,
        available: status.availableReplicas ?? status.readyReplicas ?? 0,
      };
    case "StatefulSet":
      return {
        desired: workload.spec?.replicas ?? 1,
        available: status.availableReplicas ?? status.readyReplicas ?? 0,
      };
    case "DaemonSet": {
      const ds = status as {
        desiredNumberScheduled?: number;
        numberAvailable?: number;
        numberReady?: number;
      };
      return {
        desired: ds.desiredNumberScheduled ?? 0,
        available: ds.numberAvailable ?? ds.numberReady ?? 0,
      };
    }
    default:
      return undefined;
  }
}

/** The pod template of a workload object (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function templateSpec(kind: string, object: KubeObject | undefined): PodSpec | undefined {
  if (!object) return undefined;
  const spec = object.spec as Record<string, unknown> | undefined;
  if (kind === "CronJob") {
    const jobTemplate = spec?.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined;
    return jobTemplate?.spec?.template?.spec;
  }
  if (kind === "Pod") return spec as PodSpec | undefined;
  return (spec?.template as { spec?: PodSpec } | undefined)?.spec;
}

/** A container of a pod spec by name, init containers included. */
export function findContainer(spec: PodSpec | undefined, name: string): Container | undefined {
  return spec?.containers.find((c) => c.name === name) ?? spec?.initContainers?.find((c) => c.name === name);
}

/** `kubectl`'s lower-case kind: `deployment/x`. */
export function kindName(ref: ResourceRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** `Deployment prod-api/payment-service`. */
export function describeRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
