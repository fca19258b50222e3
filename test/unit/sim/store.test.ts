import { describe, expect, it } from "vitest";
import type { KubeEvent, KubeObject } from "../../../src/domain/kube.js";
import { SimClock } from "../../../src/sim/clock.js";
import { decodeContinue, encodeContinue } from "../../../src/sim/http/continue-token.js";
import { ApiError } from "../../../src/sim/status.js";
import { SimStore } from "../../../src/sim/store.js";

function newStore(historyLimit = 1000): { store: SimStore; clock: SimClock } {
  const clock = new SimClock("2026-01-15T09:00:00Z");
  return { store: new SimStore({ now: () => clock.now(), nowMs: () => clock.nowMs(), historyLimit }), clock };
}

function pod(name: string, namespace = "ns", extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, ...extra },
    spec: { containers: [{ name: "app", image: "x" }] },
  };
}

describe("SimStore as a ClusterView", () => {
  it("assigns uid, creationTimestamp and increasing resourceVersions; generateName names", () => {
    const { store } = newStore();
    const first = store.upsert(pod("a"));
    const second = store.upsert(pod("b"));
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.metadata.creationTimestamp).toBe("2026-01-15T09:00:00Z");
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    const generated = store.upsert({ ...pod(""), metadata: { generateName: "web-", namespace: "ns" } });
    expect(generated.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const replaced = store.upsert({ ...pod("a"), status: { phase: "Running" } });
    expect(replaced.metadata.uid).toBe(first.metadata.uid);
    expect(store.resourceVersion).toBe(Number(replaced.metadata.resourceVersion));
  });

  it("generates the same names and uids for the same seed, so runs replay identically", () => {
    const names = () => {
      const { store } = newStore();
      return [1, 2, 3].map(() => {
        const created = store.upsert({ ...pod(""), metadata: { generateName: "web-", namespace: "ns" } });
        return `${created.metadata.name} ${created.metadata.uid}`;
      });
    };
    const first = names();
    expect(names()).toEqual(first);
    expect(new Set(first).size).toBe(3);
    expect(first[0]).toMatch(
      /^web-[a-z0-9]{5} [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("hands out copies, so mutating them does not change the store", () => {
    const { store } = newStore();
    store.upsert(pod("a"));
    const copy = store.get("Pod", "ns", "a")!;
    copy.metadata.labels = { changed: "yes" };
    expect(store.get("Pod", "ns", "a")?.metadata.labels).toBeUndefined();
  });

  it("bumps generation on spec changes of workloads only", () => {
    const { store } = newStore();
    const deployment: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "ns" },
      spec: { replicas: 1 },
    };
    expect(store.upsert(deployment).metadata.generation).toBe(1);
    expect(store.upsert({ ...deployment, status: { replicas: 1 } }).metadata.generation).toBe(1);
    expect(store.upsert({ ...deployment, spec: { replicas: 2 } }).metadata.generation).toBe(2);
  });

  it("garbage-collects dependents of a deleted owner, recursively, unless orphaning", () => {
    const { store } = newStore();
    const deployment = store.upsert({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "ns" },
      spec: {},
    });
    const ownedBy = (owner: KubeObject) => [
      {
        apiVersion: owner.apiVersion ?? "",
        kind: owner.kind ?? "",
        name: owner.metadata.name ?? "",
        uid: owner.metadata.uid ?? "",
        controller: true,
      },
    ];
    const replicaSet = store.upsert({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-1", namespace: "ns", ownerReferences: ownedBy(deployment) },
      spec: {},
    });
    store.upsert(pod("web-1-a", "ns", { ownerReferences: ownedBy(replicaSet) }));
    store.upsert(pod("unrelated"));
    store.remove("Deployment", "ns", "web");
    expect(store.list("ReplicaSet")).toEqual([]);
    expect(store.list("Pod").map((object) => object.metadata.name)).toEqual(["unrelated"]);

    const owner = store.upsert({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "rs", namespace: "ns" },
      spec: {},
    });
    store.upsert(pod("kept", "ns", { ownerReferences: ownedBy(owner) }));
    store.delete("ReplicaSet", "ns", "rs", "Orphan");
    expect(store.get("Pod", "ns", "kept")?.metadata.ownerReferences).toBeUndefined();
  });

  it("deletes a namespace's contents with it", () => {
    const { store } = newStore();
    store.upsert({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } });
    store.upsert(pod("a"));
    store.upsert({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "ns" } });
    store.upsert(pod("b", "other"));
    expect(store.namespaceExists("ns")).toBe(true);
    store.remove("Namespace", "", "ns");
    expect(store.list("Pod").map((object) => object.metadata.name)).toEqual(["b"]);
    expect(store.list("ConfigMap")).toEqual([]);
    expect(store.namespaceExists("ns")).toBe(false);
    expect(store.namespaceExists("other")).toBe(true);
  });

  it("aggregates repeated events into count and lastTimestamp", () => {
    const { store, clock } = newStore();
    const target = store.upsert(pod("a"));
    store.recordEvent(
      target,
      "Warning",
      "BackOff",
      "Back-off restarting failed container",
      "kubelet",
      "spec.containers{app}",
    );
    clock.advance(30_000);
    store.recordEvent(
      target,
      "Warning",
      "BackOff",
      "Back-off restarting failed container",
      "kubelet",
      "spec.containers{app}",
    );
    store.recordEvent(target, "Normal", "Pulled", "Container image pulled", "kubelet");
    const events = store.list("Event", "ns") as KubeEvent[];
    expect(events).toHaveLength(2);
    const backOff = events.find((event) => event.reason === "BackOff")!;
    expect(backOff).toMatchObject({
      count: 2,
      firstTimestamp: "2026-01-15T09:00:00Z",
      lastTimestamp: "2026-01-15T09:00:30Z",
      type: "Warning",
      source: { component: "kubelet" },
      involvedObject: {
        kind: "Pod",
        name: "a",
        namespace: "ns",
        uid: target.metadata.uid,
        fieldPath: "spec.containers{app}",
      },
    });
    const node = store.upsert({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    store.recordEvent(
      node,
      "Warning",
      "NodeNotReady",
      "Node n1 status is now: NodeNotReady",
      "node-controller",
    );
    expect(store.list("Event", "default")).toHaveLength(1);
  });

  it("keeps a bounded history: resumable within it, expired beyond", () => {
    const { store } = newStore(3);
    const start = store.resourceVersion;
    store.upsert(pod("a"));
    store.upsert(pod("b"));
    expect(store.changesSince(start)?.map((change) => change.type)).toEqual(["ADDED", "ADDED"]);
    store.upsert(pod("c"));
    store.remove("Pod", "ns", "a");
    expect(store.changesSince(start)).toBeUndefined();
    expect(
      store.changesSince(start + 1)?.map((change) => [change.type, change.object.metadata.name]),
    ).toEqual([
      ["ADDED", "b"],
      ["ADDED", "c"],
      ["DELETED", "a"],
    ]);
  });

  it("serves sorted key ranges per namespace and continues after a key", () => {
    const { store } = newStore();
    for (const [namespace, name] of [
      ["b", "2"],
      ["a", "1"],
      ["b", "1"],
      ["a-x", "1"],
      ["c", "1"],
    ] as const) {
      store.upsert(pod(name, namespace));
    }
    const all = store.keyRange("Pod");
    expect(all.keys.slice(all.start, all.end)).toEqual(["a-x/1", "a/1", "b/1", "b/2", "c/1"]);
    const inB = store.keyRange("Pod", "b");
    expect(inB.keys.slice(inB.start, inB.end)).toEqual(["b/1", "b/2"]);
    const token = decodeContinue(encodeContinue(7, "b/1"));
    expect(token.rv).toBe(7);
    const rest = store.keyRange("Pod", "b", token.start);
    expect(rest.keys.slice(rest.start, rest.end)).toEqual(["b/2"]);
    // Inserts after the index was built keep it sorted.
    store.upsert(pod("0", "b"));
    const again = store.keyRange("Pod", "b");
    expect(again.keys.slice(again.start, again.end)).toEqual(["b/0", "b/1", "b/2"]);
  });

  it("rejects continue tokens it did not issue", () => {
    expect(() => decodeContinue("not-a-token")).toThrow(ApiError);
    expect(() =>
      decodeContinue(Buffer.from(JSON.stringify({ v: "x", rv: 1, start: "a" })).toString("base64url")),
    ).toThrow(/continue key is not valid/);
  });
});
