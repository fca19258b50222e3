import type { RemediationAction } from "../domain/actions.js";
import type { KubeEvent, KubeObject, Pod, Workload } from "../domain/kube.js";

/**
 * Explicit, checkable criteria that a remediation worked, evaluated over what was observed (pure;
 * the validator does the reading and the waiting). Each check says in words what it saw.
 */

/** What the validator read at one moment. */
export interface Observation {
  /** The action's target now (the workload, the PVC; undefined when gone). */
  target: KubeObject | undefined;
  /** The pods the criteria are about (the workload's, or those mounting the PVC). */
  pods: Pod[];
  /** Warning events in the namespace. */
  warnings: KubeEvent[];
}

/** One criterion's result. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const isReady = (pod: Pod) =>
  pod.status?.phase === "Running" &&
  (pod.status.conditions ?? []).some(
    (condition) => condition.type === "Ready" && condition.status === "True",
  );

const live = (pods: Pod[]) => pods.filter((pod) => !pod.metadata.deletionTimestamp);

/** Why a pod is not ready, in kubectl's words (waiting reason, phase). */
export function podState(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses.map((status) => status.state?.waiting?.reason).find(Boolean);
  const lastExit = statuses.map((status) => status.lastState?.terminated?.reason).find(Boolean);
  const restarts = restartCount(pod);
  const parts = [waiting ?? pod.status?.phase ?? "Unknown"];
  if (lastExit) parts.push(`last terminated ${lastExit}`);
  if (restarts > 0) parts.push(`${restarts} restarts`);
  return parts.join(", ");
}

/** Total container restarts of a pod. */
export function restartCount(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
}

function podsReady(pods: Pod[], desired: number | undefined, what: string): Check {
  const current = live(pods);
  const notReady = current.filter((pod) => !isReady(pod));
  const count = desired ?? current.length;
  if (desired === 0) {
    return {
      name: "pods-ready",
      ok: current.length === 0,
      detail: `${current.length} pods of ${what} left (0 wanted)`,
    };
  }
  const ok = notReady.length === 0 && current.length >= Math.max(count, 1);
  const detail = ok
    ? `all ${current.length} pods of ${what} are Running and Ready`
    : current.length === 0
      ? `no pods of ${what} exist`
      : `${current.length - notReady.length}/${count} pods of ${what} Ready${
          notReady.length > 0
            ? `; not ready: ${notReady.map((pod) => `${pod.metadata.name} (${podState(pod)})`).join(", ")}`
            : ""
        }`;
  return { name: "pods-ready", ok, detail };
}

function rollout(workload: Workload, label: string): Check {
  const desired = workload.spec.replicas ?? 1;
  const status = workload.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (workload.metadata.generation ?? 0);
  if (!observed) {
    return {
      name: "rollout",
      ok: false,
      detail: `the controller has not yet observed the change to ${label}`,
    };
  }
  let ok: boolean;
  let detail: string;
  if (workload.kind === "DaemonSet") {
    const wanted = status.desiredNumberScheduled ?? 0;
    const updated = (status as { updatedNumberScheduled?: number }).updatedNumberScheduled ?? 0;
    ok = (status.numberReady ?? 0) === wanted && updated === wanted;
    detail = `${label}: ${status.numberReady ?? 0}/${wanted} ready, ${updated} updated`;
  } else {
    const updated = status.updatedReplicas ?? 0;
    const available =
      workload.kind === "StatefulSet" ? (status.readyReplicas ?? 0) : (status.availableReplicas ?? 0);
    const total = status.replicas ?? 0;
    ok = updated === desired && available === desired && total === desired;
    detail = `${label}: ${updated}/${desired} updated, ${available}/${desired} available, ${total} total`;
  }
  return { name: "rollout", ok, detail: ok ? `rollout of ${detail} complete` : `rollout of ${detail}` };
}

/** The criteria of `action` over one observation. */
export function evaluate(action: RemediationAction, observation: Observation): Check[] {
  const { namespace, name, kind } = action.target;
  const label = `${kind} ${namespace}/${name}`;
  const { target, pods } = observation;
  switch (action.action) {
    case "create-pvc": {
      const phase = (target?.status as { phase?: string } | undefined)?.phase;
      return [
        {
          name: "pvc-bound",
          ok: phase === "Bound",
          detail: target ? `${label} is ${phase ?? "without a phase"}` : `${label} does not exist`,
        },
        podsReady(pods, undefined, `workloads mounting ${name}`),
      ];
    }
    case "delete-pod":
      return [podsReady(pods, undefined, `the controller of ${name}`)];
    default: {
      if (!target) return [{ name: "target-exists", ok: false, detail: `${label} no longer exists` }];
      const workload = target as Workload;
      const checks = [rollout(workload, label), podsReady(pods, workload.spec.replicas, label)];
      if (action.action === "set-image") {
        const stale = live(pods).filter(
          (pod) =>
            pod.spec.containers.find((c) => c.name === action.params.container)?.image !==
            action.params.image,
        );
        checks.push({
          name: "image",
          ok: stale.length === 0,
          detail:
            stale.length === 0
              ? `every pod runs ${action.params.image}`
              : `still on another image: ${stale.map((pod) => pod.metadata.name).join(", ")}`,
        });
      }
      return checks;
    }
  }
}

/** Restart counts by pod uid (or name), to compare across the settle window. */
export function restartSnapshot(pods: Pod[]): Map<string, number> {
  return new Map(live(pods).map((pod) => [pod.metadata.uid ?? pod.metadata.name ?? "", restartCount(pod)]));
}

/** Pods whose restart count went up between two snapshots. */
export function restartedSince(before: Map<string, number>, pods: Pod[]): string[] {
  return live(pods)
    .filter((pod) => {
      const previous = before.get(pod.metadata.uid ?? pod.metadata.name ?? "");
      return previous !== undefined && restartCount(pod) > previous;
    })
    .map((pod) => `${pod.metadata.name} restarted (${restartCount(pod)} restarts)`);
}

function eventTime(event: KubeEvent): number {
  const stamp =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return stamp ? Date.parse(stamp) : Number.NaN;
}

/** Warning events about the target or its pods at or after `sinceMs`, quoted. */
export function newWarnings(action: RemediationAction, observation: Observation, sinceMs: number): string[] {
  const names = new Set([action.target.name, ...observation.pods.map((pod) => pod.metadata.name ?? "")]);
  return observation.warnings
    .filter((event) => event.type === "Warning" && names.has(event.involvedObject.name ?? ""))
    .filter((event) => eventTime(event) >= sinceMs)
    .map(
      (event) =>
        `${event.involvedObject.kind ?? ""} ${event.involvedObject.name}: ${event.reason}: ${event.message ?? ""}`,
    );
}
