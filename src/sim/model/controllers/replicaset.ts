import type { Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isNodeReady } from "../nodes.js";
import { parseTime } from "../util/time.js";
import { createPod, generatePodName, podFromTemplate } from "./pod-factory.js";
import { quotaRejection } from "./quota.js";
import { activePods, creationTimeFor, deletePod, deletionRank, desiredReplicas } from "./workloads.js";

const SOURCE = { component: "replicaset-controller" };

/** Why pod creation failed for a ReplicaSet this pass (ReplicaFailure), by ReplicaSet uid. */
export type CreateFailures = Map<string, string>;

/**
 * The ReplicaSet controller: creates pods from the template until `spec.replicas` are active
 * (subject to ResourceQuota admission) and removes surplus ones.
 */
export function runReplicaSets(cluster: Cluster, replicaSets: Workload[], failures: CreateFailures): void {
  for (const rs of replicaSets) {
    if (rs.metadata.deletionTimestamp) continue;
    const pods = activePods(cluster, rs);
    const desired = desiredReplicas(rs);
    const hash =
      rs.metadata.labels?.["pod-template-hash"] ?? rs.spec.template.metadata?.labels?.["pod-template-hash"];
    for (let index = pods.length; index < desired; index++) {
      const name = generatePodName(cluster, rs, index);
      const pod = podFromTemplate(rs, rs.spec.template, name, {
        createdMs: creationTimeFor(cluster, rs),
        ...(hash ? { labels: { "pod-template-hash": hash } } : {}),
      });
      const rejection = quotaRejection(cluster, pod);
      if (rejection) {
        failures.set(rs.metadata.uid ?? "", rejection);
        const known = rs.status?.conditions?.some((condition) => condition.message === rejection);
        if (!known || !cluster.sameInstant) {
          cluster.events.timeline(rs, "Warning", "FailedCreate", `Error creating: ${rejection}`, SOURCE, {
            count: 1,
          });
        }
        break;
      }
      const stored = createPod(cluster, pod);
      cluster.events.occurredAt(
        rs,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${stored.metadata.name}`,
        SOURCE,
        parseTime(stored.metadata.creationTimestamp) ?? cluster.nowMs,
      );
    }
    if (pods.length > desired) {
      const surplus = [...pods].sort(deletionRank).slice(0, pods.length - desired);
      for (const pod of surplus) {
        deletePod(cluster, pod, isNodeReady(cluster.nodes.get(pod.spec.nodeName ?? "")));
        cluster.events.occurred(
          rs,
          "Normal",
          "SuccessfulDelete",
          `Deleted pod: ${pod.metadata.name}`,
          SOURCE,
        );
      }
    }
  }
}
