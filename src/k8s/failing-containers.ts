import type { ContainerStatus, Pod } from "../domain/kube.js";

/** One container whose log the collector should read. */
export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
  /** Read the previous instance's log (the one that crashed) rather than the current one. */
  previous: boolean;
  /** Controller of the pod (ReplicaSet, StatefulSet…) so the cap can spread across workloads. */
  owner: string;
}

function isFailing(status: ContainerStatus, init: boolean): boolean {
  const waiting = status.state?.waiting?.reason;
  if (waiting === "CrashLoopBackOff") return true;
  const terminated = status.state?.terminated;
  if (terminated && terminated.exitCode !== 0) return true;
  // An init container that keeps restarting shows Error/waiting between attempts.
  if (init && status.restartCount > 0 && !status.ready && status.state?.running === undefined) return true;
  // An init container still running blocks the pod (e.g. `until nslookup db; do sleep 2; done`):
  // it never restarts, so only its current log says what it waits for.
  if (init && status.state?.running !== undefined && !status.ready) return true;
  return false;
}

/** Containers of one pod that crashed, exited non-zero or block initialisation, init ones first. */
export function failingContainers(pod: Pod): LogTarget[] {
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const owner = pod.metadata.ownerReferences?.[0];
  const ownerKey = `${namespace}/${owner ? `${owner.kind}/${owner.name}` : `Pod/${name}`}`;
  const targets: LogTarget[] = [];
  const add = (statuses: ContainerStatus[] | undefined, init: boolean) => {
    for (const status of statuses ?? []) {
      if (!isFailing(status, init)) continue;
      // A container that is terminated right now wrote the failing log itself; one that is
      // waiting to restart has no current log, its crashed predecessor is the "previous" one.
      const previous = status.state?.terminated === undefined && status.restartCount > 0;
      targets.push({ namespace, pod: name, container: status.name, previous, owner: ownerKey });
    }
  };
  add(pod.status?.initContainerStatuses, true);
  add(pod.status?.containerStatuses, false);
  return targets;
}

/**
 * Picks at most `max` failing containers, round-robin across owners so one crash-looping
 * Deployment with 50 replicas cannot crowd out the other broken workloads.
 */
export function selectLogTargets(pods: readonly Pod[], max: number): LogTarget[] {
  const byOwner = new Map<string, LogTarget[]>();
  for (const pod of pods) {
    for (const target of failingContainers(pod)) {
      const list = byOwner.get(target.owner);
      if (list) list.push(target);
      else byOwner.set(target.owner, [target]);
    }
  }
  const queues = [...byOwner.values()];
  const picked: LogTarget[] = [];
  for (let round = 0; picked.length < max; round++) {
    let any = false;
    for (const queue of queues) {
      const target = queue[round];
      if (!target) continue;
      any = true;
      picked.push(target);
      if (picked.length >= max) break;
    }
    if (!any) break;
  }
  return picked;
}
