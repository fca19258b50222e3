import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { cluster, deployment, namespace, node, reconcile, service, storageClass } from "./fixtures.js";

/** One of every failure the model produces, next to healthy workloads. */
function everything(): KubeObject[] {
  return [
    node("node-1"),
    node("node-2", { ready: "Unknown" }),
    namespace("default"),
    namespace("kube-system", { "triage.sim/unresolvable-registries": "company-registry.io" }),
    storageClass(),
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q", namespace: "default" },
      spec: { hard: { pods: "12" } },
    },
    deployment("healthy", { replicas: 2 }),
    service("healthy"),
    deployment("pull", { image: "company-registry.io/pull:v1" }),
    deployment("secret", {
      container: { env: [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "x" } } }] },
    }),
    deployment("mount", { spec: { volumes: [{ name: "c", configMap: { name: "nope" } }] } }),
    deployment("oom", {
      annotations: { "triage.sim/memory-usage": "1Gi" },
      container: { resources: { limits: { memory: "128Mi" } } },
    }),
    deployment("init", {
      initContainers: [{ name: "wait", image: "busybox:1.36" }],
      annotations: { "triage.sim/exit-code.wait": "1" },
    }),
    deployment("pvc", {
      spec: { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "missing" } }] },
    }),
    deployment("big", { container: { resources: { requests: { memory: "64Gi" } } } }),
    deployment("probe", { annotations: { "triage.sim/readiness": "fail" } }),
    service("probe"),
    deployment("dependent", { annotations: { "triage.sim/depends-on": "probe:80" } }),
    deployment("many", { replicas: 8 }),
  ];
}

describe("reconcile", () => {
  it("writes nothing when run again without a change", () => {
    const view = cluster([], everything());
    const versions = view.versions();
    const events = JSON.stringify(view.events());
    reconcile(view);
    expect(view.versions()).toBe(versions);
    expect(JSON.stringify(view.events())).toBe(events);
  });

  it("settles again after a clock advance", () => {
    const view = cluster([], everything());
    reconcile(view, 3600);
    const versions = view.versions();
    reconcile(view);
    expect(view.versions()).toBe(versions);
  });

  it("only raises event counts (no new events) when the clock moves within a back-off", () => {
    const view = cluster([], everything());
    reconcile(view, 3600);
    const before = new Set(view.events().map((event) => event.metadata.name));
    reconcile(view, 1);
    const after = view.events().map((event) => event.metadata.name);
    expect(after.filter((name) => !before.has(name))).toEqual([]);
  });

  it("re-reads the cluster once and leaves Events alone when nothing changed", () => {
    const view = cluster([], everything());
    const lists = new Map<string, number>();
    const list = view.list.bind(view);
    view.list = (kind: string, namespace?: string) => {
      lists.set(kind, (lists.get(kind) ?? 0) + 1);
      return list(kind, namespace);
    };
    reconcile(view);
    expect(lists.get("Pod")).toBe(1);
    expect(lists.get("Event")).toBeUndefined();
  });
});
