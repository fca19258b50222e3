import type { Toleration, Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isNodeReady } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { matchesNodeAffinity, type Taint, untoleratedTaint } from "../util/selectors.js";
import { parseTime } from "../util/time.js";
import { createPod, generatePodName, podFromTemplate } from "./pod-factory.js";
import { activePods, creationTimeFor, deletePod, isPodReady } from "./workloads.js";

const SOURCE = { component: "daemonset-controller" };

// The DaemonSet controller adds these so its pods stay on (and land on) troubled nodes.
const DAEMON_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

/**
 * The DaemonSet controller: one pod per node whose labels and taints admit the pod template
 * (each pinned to its node with a matchFields node affinity, as the real controller does),
 * surplus pods removed, and the status.
 */
export function runDaemonSets(cluster: Cluster, daemonSets: Workload[]): void {
  for (const ds of daemonSets) {
    if (ds.metadata.deletionTimestamp) continue;
    const template = ds.spec.template;
    const tolerations = [...(template.spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
    const probeSpec = { ...template.spec, tolerations };
    const pods = activePods(cluster, ds);
    let desired = 0;
    let index = 0;
    for (const node of cluster.nodes.values()) {
      const nodeName = node.metadata.name ?? "";
      const eligible =
        matchesNodeAffinity(template.spec, node) &&
        !untoleratedTaint(probeSpec, (node.spec?.taints ?? []) as Taint[]);
      const onNode = pods.filter((pod) => pod.spec.nodeName === nodeName || podTarget(pod) === nodeName);
      if (!eligible) {
        for (const pod of onNode) deletePod(cluster, pod, isNodeReady(node));
        continue;
      }
      desired++;
      if (onNode.length > 0) continue;
      const pod = podFromTemplate(ds, template, generatePodName(cluster, ds, index++), {
        createdMs: creationTimeFor(cluster, ds),
        labels: { "pod-template-generation": String(ds.metadata.generation ?? 1) },
        spec: {
          tolerations,
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] },
                ],
              },
            },
          },
        },
      });
      const stored = createPod(cluster, pod);
      cluster.events.occurredAt(
        ds,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${stored.metadata.name}`,
        SOURCE,
        parseTime(stored.metadata.creationTimestamp) ?? cluster.nowMs,
      );
    }
    const current = activePods(cluster, ds);
    const scheduled = current.filter((pod) => pod.spec.nodeName);
    const ready = current.filter(isPodReady).length;
    const status = {
      currentNumberScheduled: scheduled.length,
      desiredNumberScheduled: desired,
      numberAvailable: ready,
      numberMisscheduled: 0,
      numberReady: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: scheduled.length,
    };
    if (jsonEqual(ds.status, status)) continue;
    ds.status = status;
    cluster.save(ds);
  }
}

/** The node a DaemonSet pod is pinned to by its matchFields affinity. */
function podTarget(pod: { spec: { affinity?: unknown } }): string | undefined {
  const affinity = pod.spec.affinity as
    | {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: {
            nodeSelectorTerms?: { matchFields?: { values?: string[] }[] }[];
          };
        };
      }
    | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
    ?.matchFields?.[0]?.values?.[0];
}
