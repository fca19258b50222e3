import { describe, expect, it } from "vitest";
import type { Node, Pod, Workload } from "../../../src/domain/kube.js";
import { cluster, deployment, isReady, namespace, node, podsOf, reconcile } from "./fixtures.js";

function markNode(view: ReturnType<typeof cluster>, name: string, ready: string): void {
  const current = view.get("Node", "", name) as Node;
  current.metadata.annotations = { "triage.sim/node-ready": ready };
  view.upsert(current);
  reconcile(view);
}

describe("node health", () => {
  it("taints a NotReady node and marks its pods not Ready", () => {
    const view = cluster([deployment("web", { replicas: 2 })], [node("a"), node("b"), namespace("default")]);
    markNode(view, "a", "Unknown");
    const nodeA = view.get("Node", "", "a") as Node;
    expect(nodeA.status?.conditions?.find((condition) => condition.type === "Ready")).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
    });
    expect(nodeA.spec?.taints?.map((taint) => `${taint.key}:${taint.effect}`)).toEqual([
      "node.kubernetes.io/unreachable:NoSchedule",
      "node.kubernetes.io/unreachable:NoExecute",
    ]);
    const onA = podsOf(view, "web").filter((pod) => pod.spec.nodeName === "a");
    expect(onA).toHaveLength(1);
    expect(isReady(onA[0]!)).toBe(false);
    expect(view.eventsFor("a", "NodeNotReady")).toHaveLength(1);
    expect((view.get("Deployment", "default", "web") as Workload).status?.readyReplicas).toBe(1);
  });

  it("reschedules elsewhere when a pod on a NotReady node is deleted", () => {
    const view = cluster([deployment("web", { replicas: 2 })], [node("a"), node("b"), namespace("default")]);
    markNode(view, "a", "False");
    const stuck = podsOf(view, "web").find((pod) => pod.spec.nodeName === "a");
    view.remove("Pod", "default", stuck?.metadata.name ?? "");
    reconcile(view);
    const pods = podsOf(view, "web");
    expect(pods).toHaveLength(2);
    expect(pods.every((pod) => pod.spec.nodeName === "b" && isReady(pod))).toBe(true);
  });

  it("evicts pods once their 300s toleration runs out; they stay Terminating and are replaced", () => {
    const view = cluster([deployment("web")], [node("a"), node("b"), namespace("default")]);
    const original = podsOf(view, "web")[0]!;
    markNode(view, original.spec.nodeName ?? "", "Unknown");
    reconcile(view, 301);
    const pods = podsOf(view, "web");
    const evicted = pods.find((pod) => pod.metadata.name === original.metadata.name) as Pod;
    expect(evicted.metadata.deletionTimestamp).toBeDefined();
    const replacement = pods.find((pod) => pod.metadata.name !== original.metadata.name);
    expect(replacement?.spec.nodeName).not.toBe(original.spec.nodeName);
    expect(isReady(replacement!)).toBe(true);
    expect(view.eventsFor(original.metadata.name ?? "", "TaintManagerEviction")).toHaveLength(1);
  });

  it("recovers when the node is Ready again", () => {
    const view = cluster([deployment("web")], [node("a"), namespace("default")]);
    markNode(view, "a", "False");
    markNode(view, "a", "True");
    const nodeA = view.get("Node", "", "a") as Node;
    expect(nodeA.spec?.taints).toBeUndefined();
    reconcile(view, 10);
    expect(isReady(podsOf(view, "web")[0]!)).toBe(true);
  });
});
