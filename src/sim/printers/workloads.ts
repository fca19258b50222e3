import type { Pod, Workload } from "../../domain/kube.js";
import { age, podColumns } from "../pod-status.js";
import { num, type Printer, record } from "./common.js";

/** Table printers of pods and the workloads that own them, after the real server's. */

function images(workload: Workload): [string, string] {
  const containers = workload.spec?.template?.spec?.containers ?? [];
  return [
    containers.map((container) => container.name).join(","),
    containers.map((container) => container.image ?? "").join(","),
  ];
}

/** Pod, Deployment, ReplicaSet and StatefulSet. */
export const WORKLOAD_PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Status", "string"],
      ["Restarts", "string"],
      ["Age", "string"],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
    cells: (object, nowMs) => {
      const pod = object as Pod;
      const { ready, status, restarts } = podColumns(pod, nowMs);
      const spec = record(pod.spec);
      const podStatus = record(pod.status);
      return [
        pod.metadata.name ?? "",
        ready,
        status,
        restarts,
        age(pod.metadata.creationTimestamp, nowMs),
        String(podStatus.podIP ?? "<none>"),
        String(spec.nodeName ?? "<none>"),
        String(podStatus.nominatedNodeName ?? "<none>"),
        "<none>",
      ];
    },
  },
  Deployment: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Up-to-date", "string"],
      ["Available", "string"],
      ["Age", "string"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    cells: (object, nowMs) => {
      const deployment = object as Workload;
      const status = deployment.status ?? {};
      const [names, imageList] = images(deployment);
      const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      return [
        deployment.metadata.name ?? "",
        `${num(status.readyReplicas)}/${num(deployment.spec?.replicas ?? 1)}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        age(deployment.metadata.creationTimestamp, nowMs),
        names,
        imageList,
        selector || "<none>",
      ];
    },
  },
  ReplicaSet: {
    columns: [
      ["Name", "string"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const set = object as Workload;
      return [
        set.metadata.name ?? "",
        num(set.spec?.replicas ?? 1),
        num(set.status?.replicas),
        num(set.status?.readyReplicas),
        age(set.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  StatefulSet: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const set = object as Workload;
      return [
        set.metadata.name ?? "",
        `${num(set.status?.readyReplicas)}/${num(set.spec?.replicas ?? 1)}`,
        age(set.metadata.creationTimestamp, nowMs),
      ];
    },
  },
};
