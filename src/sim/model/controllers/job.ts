import type { Condition, Job, Pod } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isNodeReady } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { formatTime, parseTime } from "../util/time.js";
import { createPod, generatePodName, podFromTemplate } from "./pod-factory.js";
import { controllerUid, creationTimeFor, deletePod, isPodReady } from "./workloads.js";

const SOURCE = { component: "job-controller" };

/** The Job controller's pod-failure back-off: 10s doubling, capped at 6 minutes. */
function jobBackoffMs(failures: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, failures - 1), 360_000);
}

function finishedMs(pod: Pod): number {
  let latest = 0;
  for (const status of pod.status?.containerStatuses ?? []) {
    latest = Math.max(latest, parseTime(status.state?.terminated?.finishedAt) ?? 0);
  }
  return latest || (parseTime(pod.metadata.creationTimestamp) ?? 0);
}

function isDone(job: Job): boolean {
  return (job.status?.conditions ?? []).some(
    (condition) =>
      (condition.type === "Complete" || condition.type === "Failed") && condition.status === "True",
  );
}

/**
 * The Job controller: runs pods until `completions` succeed, replacing failed ones after the
 * controller's back-off, and fails the Job with BackoffLimitExceeded once more than
 * `backoffLimit` pods failed (container restarts count for restartPolicy OnFailure).
 * A finished Job is left as it is.
 */
export function runJobs(cluster: Cluster, jobs: Job[]): void {
  for (const job of jobs) {
    if (job.metadata.deletionTimestamp || isDone(job) || (job.spec as { suspend?: boolean }).suspend)
      continue;
    const pods = cluster
      .podsOwnedBy(job.metadata.uid)
      .filter((pod) => controllerUid(pod) === job.metadata.uid);
    const active = pods.filter(
      (pod) =>
        !pod.metadata.deletionTimestamp &&
        pod.status?.phase !== "Succeeded" &&
        pod.status?.phase !== "Failed",
    );
    const succeeded = pods.filter((pod) => pod.status?.phase === "Succeeded");
    const failedPods = pods.filter((pod) => pod.status?.phase === "Failed");
    const restarts = active.reduce(
      (sum, pod) =>
        sum + (pod.status?.containerStatuses ?? []).reduce((total, status) => total + status.restartCount, 0),
      0,
    );
    const failed = failedPods.length + (job.spec.template.spec.restartPolicy === "OnFailure" ? restarts : 0);
    const completions = job.spec.completions ?? 1;
    const parallelism = (job.spec as { parallelism?: number }).parallelism ?? 1;
    const backoffLimit = job.spec.backoffLimit ?? 6;
    const startTime = job.status?.startTime ?? formatTime(creationTimeFor(cluster, job));
    const conditions: Condition[] = [];
    let completionTime: string | undefined;
    if (succeeded.length >= completions) {
      const at = formatTime(Math.max(...succeeded.map(finishedMs)));
      completionTime = at;
      conditions.push({
        type: "SuccessCriteriaMet",
        status: "True",
        reason: "CompletionsReached",
        message: "Reached expected number of succeeded pods",
        lastProbeTime: at,
        lastTransitionTime: at,
      });
      conditions.push({
        type: "Complete",
        status: "True",
        reason: "CompletionsReached",
        message: "Reached expected number of succeeded pods",
        lastProbeTime: at,
        lastTransitionTime: at,
      });
      cluster.events.occurredAt(job, "Normal", "Completed", "Job completed", SOURCE, Date.parse(at));
    } else if (failed > backoffLimit) {
      const at = formatTime(Math.max(0, ...failedPods.map(finishedMs)) || cluster.nowMs);
      for (const pod of active)
        deletePod(cluster, pod, isNodeReady(cluster.nodes.get(pod.spec.nodeName ?? "")));
      conditions.push({
        type: "FailureTarget",
        status: "True",
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
        lastProbeTime: at,
        lastTransitionTime: at,
      });
      conditions.push({
        type: "Failed",
        status: "True",
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
        lastProbeTime: at,
        lastTransitionTime: at,
      });
      cluster.events.occurredAt(
        job,
        "Warning",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        SOURCE,
        Date.parse(at),
      );
    } else {
      const wanted = Math.min(parallelism, completions - succeeded.length) - active.length;
      const lastFailure = Math.max(0, ...failedPods.map(finishedMs));
      const notBefore =
        failedPods.length > 0 ? lastFailure + jobBackoffMs(failedPods.length) : creationTimeFor(cluster, job);
      if (wanted > 0 && cluster.nowMs >= notBefore) {
        for (let index = 0; index < wanted; index++) {
          const pod = podFromTemplate(
            job,
            job.spec.template,
            generatePodName(cluster, job, pods.length + index),
            {
              createdMs: Math.min(notBefore, cluster.nowMs),
              labels: {
                "batch.kubernetes.io/controller-uid": job.metadata.uid ?? "",
                "batch.kubernetes.io/job-name": job.metadata.name ?? "",
                "controller-uid": job.metadata.uid ?? "",
                "job-name": job.metadata.name ?? "",
              },
            },
          );
          const stored = createPod(cluster, pod);
          cluster.events.occurredAt(
            job,
            "Normal",
            "SuccessfulCreate",
            `Created pod: ${stored.metadata.name}`,
            SOURCE,
            parseTime(stored.metadata.creationTimestamp) ?? cluster.nowMs,
          );
        }
      }
    }
    const live = pods.filter((pod) => cluster.pods.has(`${pod.metadata.namespace}/${pod.metadata.name}`));
    const stillActive = live.filter(
      (pod) =>
        !pod.metadata.deletionTimestamp &&
        pod.status?.phase !== "Succeeded" &&
        pod.status?.phase !== "Failed",
    );
    const status: Job["status"] & Record<string, unknown> = {
      ...(conditions.length > 0 ? { conditions } : {}),
      startTime,
      ...(completionTime ? { completionTime } : {}),
      ...(stillActive.length > 0 && conditions.length === 0 ? { active: stillActive.length } : {}),
      ...(succeeded.length > 0 ? { succeeded: succeeded.length } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready: stillActive.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    if (jsonEqual(job.status, status)) continue;
    job.status = status;
    cluster.save(job);
  }
}
