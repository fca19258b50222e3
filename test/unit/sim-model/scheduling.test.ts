import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/domain/kube.js";
import { cluster, deployment, namespace, node, podOf, storageClass } from "./fixtures.js";

function scheduledCondition(pod: Pod) {
  return pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
}

describe("scheduler", () => {
  it("reports a missing PVC with the scheduler's message and event", () => {
    const view = cluster([
      deployment("postgres-db", {
        spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "postgres-pvc" } }] },
      }),
    ]);
    const pod = podOf(view, "postgres-db");
    const message =
      '0/1 nodes are available: persistentvolumeclaim "postgres-pvc" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.spec.nodeName).toBeUndefined();
    expect(scheduledCondition(pod)).toMatchObject({ status: "False", reason: "Unschedulable", message });
    const events = view.eventsFor(pod.metadata.name ?? "", "FailedScheduling");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "Warning", message, source: { component: "default-scheduler" } });
  });

  it("counts nodes in the PVC message", () => {
    const view = cluster(
      [
        deployment("db", {
          spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "db-pvc" } }] },
        }),
      ],
      [node("a"), node("b"), node("c"), namespace("default"), storageClass()],
    );
    expect(scheduledCondition(podOf(view, "db"))?.message).toBe(
      '0/3 nodes are available: persistentvolumeclaim "db-pvc" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it("explains untolerated taints and insufficient memory per node", () => {
    const view = cluster(
      [deployment("big", { container: { resources: { requests: { memory: "6Gi", cpu: "500m" } } } })],
      [
        node("control-plane", {
          taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
        }),
        node("worker-1", { allocatable: { cpu: "4", memory: "4Gi", pods: "110" } }),
        node("worker-2", { allocatable: { cpu: "4", memory: "4Gi", pods: "110" } }),
        namespace("default"),
      ],
    );
    const pod = podOf(view, "big");
    expect(scheduledCondition(pod)?.message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
  });

  it("counts requests of pods already on the node", () => {
    const view = cluster(
      [
        deployment("first", { container: { resources: { requests: { cpu: "3" } } } }),
        deployment("second", { container: { resources: { requests: { cpu: "2" } } } }),
      ],
      [node("only"), namespace("default")],
    );
    expect(podOf(view, "first").spec.nodeName).toBe("only");
    expect(scheduledCondition(podOf(view, "second"))?.message).toBe(
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  it("explains node selectors and required node affinity", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu", operator: "In", values: ["a100"] }] }],
        },
      },
    };
    const base = [node("a", { labels: { gpu: "t4" } }), node("b"), node("c"), namespace("default")];
    const message =
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const bySelector = cluster([deployment("x", { spec: { nodeSelector: { disktype: "ssd" } } })], base);
    expect(scheduledCondition(podOf(bySelector, "x"))?.message).toBe(message);
    const byAffinity = cluster([deployment("y", { spec: { affinity } })], base);
    expect(scheduledCondition(podOf(byAffinity, "y"))?.message).toBe(message);
    const matching = cluster(
      [
        deployment("z", {
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu", operator: "Exists" }] }],
                },
              },
            },
          },
        }),
      ],
      base,
    );
    expect(podOf(matching, "z").spec.nodeName).toBe("a");
    const notIn = cluster(
      [
        deployment("w", {
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: "kubernetes.io/hostname", operator: "NotIn", values: ["a", "b"] },
                      ],
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
      base,
    );
    expect(podOf(notIn, "w").spec.nodeName).toBe("c");
  });

  it("tolerated taints admit the pod and it is spread to the emptiest node", () => {
    const view = cluster(
      [
        deployment("web", {
          replicas: 2,
          spec: {
            tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
          },
        }),
      ],
      [
        node("a", { taints: [{ key: "dedicated", value: "web", effect: "NoSchedule" }] }),
        node("b"),
        namespace("default"),
      ],
    );
    const nodes = view
      .list("Pod")
      .map((pod) => (pod as Pod).spec.nodeName)
      .sort();
    expect(nodes).toEqual(["a", "b"]);
  });

  it("avoids NotReady nodes through their taints", () => {
    const view = cluster(
      [deployment("web")],
      [node("a", { ready: "Unknown" }), node("b"), namespace("default")],
    );
    expect(podOf(view, "web").spec.nodeName).toBe("b");
    const alone = cluster([deployment("web")], [node("a", { ready: "False" }), namespace("default")]);
    expect(scheduledCondition(podOf(alone, "web"))?.message).toBe(
      "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });
});
