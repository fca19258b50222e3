import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { ago, app, crashLoop, event, job, node, service, snapshot } from "../../fixtures/triage/builders.js";

function healthyNamespace() {
  const web = app("web", { namespace: "shop", replicas: 3 });
  const api = app("api", { namespace: "shop", replicas: 2 });
  return {
    web,
    api,
    snap: snapshot("shop", web.part, api.part, {
      nodes: [node("node-1")],
      services: [service("web", { app: "web" }, { namespace: "shop" })],
    }),
  };
}

describe("what is not a problem", () => {
  it("a healthy namespace: no root causes, no-issues, P4, every workload listed healthy", () => {
    const result = triage(healthyNamespace().snap);
    expect(result.rootCauses).toEqual([]);
    expect(result.symptoms).toEqual([]);
    expect(result.remediations).toEqual([]);
    expect(result.blastRadius).toBe("no-issues");
    expect(result.severity).toBe("P4");
    expect(result.healthy.map((r) => r.name)).toEqual(["web", "api"]);
    expect(result.headline).toBe("No problems found in shop: 2 deployments checked, all healthy");
  });

  it("old, recovered warnings about pods that are ready now", () => {
    const { web, snap } = healthyNamespace();
    snap.events.push(
      event(web.pods[0]!, "BackOff", "Back-off restarting failed container web", {
        lastTimestamp: ago(60 * 24 * 3),
      }),
      event(web.pods[1]!, "Unhealthy", "Readiness probe failed: connection refused", {
        lastTimestamp: ago(90),
      }),
      event(web.pods[2]!, "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.", {
        lastTimestamp: ago(120),
      }),
      event(web.pods[0]!, "Failed", 'Failed to pull image "x": not found', { lastTimestamp: ago(2) }),
    );
    expect(triage(snap).rootCauses).toEqual([]);
  });

  it("Completed pods and succeeded Jobs", () => {
    const { snap } = healthyNamespace();
    const done = job("migrate", { namespace: "shop" });
    const completed = app("backfill", {
      namespace: "shop",
      state: { terminated: { exitCode: 0, reason: "Completed" } },
    });
    completed.pods[0]!.metadata.ownerReferences = [
      {
        apiVersion: "batch/v1",
        kind: "Job",
        name: "migrate",
        uid: done.metadata.uid ?? "",
        controller: true,
      },
    ];
    const result = triage({ ...snap, jobs: [done], pods: [...snap.pods, ...completed.pods] });
    expect(result.rootCauses).toEqual([]);
  });

  it("pods a controller already replaced (Failed after a node shutdown) are history", () => {
    const web = app("web", { replicas: 2 });
    const gone = structuredClone(web.pods[0]!);
    gone.metadata.name = "web-shutdown";
    gone.status = {
      phase: "Failed",
      reason: "Terminated",
      message: "Pod was terminated in response to imminent node shutdown.",
      containerStatuses: [
        {
          name: "web",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 137, reason: "Error" } },
        },
      ],
    };
    expect(triage(snapshot("default", web.part, { pods: [gone] })).rootCauses).toEqual([]);
  });

  it("the pods of an older ReplicaSet during a rollout are not the current state", () => {
    const web = app("web", { revision: 2 });
    const old = app("web", {
      revision: 1,
      state: { waiting: "CrashLoopBackOff", restarts: 3, last: { exitCode: 1 } },
    });
    // Same Deployment: re-parent the old ReplicaSet onto the current one's Deployment.
    old.replicaSet!.metadata.ownerReferences = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: web.workload.metadata.uid ?? "",
        controller: true,
      },
    ];
    const result = triage(snapshot("default", web.part, { replicaSets: [old.replicaSet!], pods: old.pods }));
    expect(result.rootCauses).toEqual([]);
  });

  it("other namespaces are out of scope", () => {
    const broken = app("web", { namespace: "other", state: { waiting: "ImagePullBackOff" } });
    expect(triage(snapshot("shop", healthyNamespace().web.part, broken.part)).rootCauses).toEqual([]);
    expect(triage(snapshot("shop", broken.part), { namespace: "other" }).rootCauses).toHaveLength(1);
  });

  it("events about an earlier pod of the same name (different uid) are not this pod's", () => {
    const web = app("web", { kind: "StatefulSet", state: { running: true, ready: false } });
    const stale = event(
      web.pods[0]!,
      "Unhealthy",
      "Readiness probe failed: HTTP probe failed with statuscode: 500",
    );
    stale.involvedObject.uid = "an-older-incarnation";
    expect(triage(snapshot("default", web.part, { events: [stale] })).rootCauses).toEqual([]);
  });
});

describe("incomplete views", () => {
  it("never says all healthy when pods could not be read", () => {
    const snap = snapshot("shop", {
      gaps: [
        {
          resource: "pods",
          namespace: "shop",
          reason: "forbidden",
          message: 'pods is forbidden: User "bot" cannot list resource "pods"',
        },
      ],
    });
    const result = triage(snap);
    expect(result.rootCauses).toEqual([]);
    expect(result.headline).toBe(
      "No problems found in shop, but the view is incomplete: could not read pods (forbidden)",
    );
    expect(result.gaps).toEqual(snap.gaps);
  });
});

describe("malformed input", () => {
  it("objects missing what the API always sets do not abort the triage of the rest", () => {
    const web = app("web", { state: crashLoop(1) });
    const odd = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "odd", namespace: "default" },
      spec: {},
    } as never;
    const oddRs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "odd-1", namespace: "default" },
    } as never;
    const result = triage(
      snapshot("default", web.part, {
        deployments: [odd],
        replicaSets: [oddRs],
        services: [service("odd", { app: "odd" })],
      }),
    );
    expect(result.rootCauses.map((c) => c.id).sort()).toEqual([
      "crash-loop:Deployment/default/web",
      "service-no-endpoints:Service/default/odd",
    ]);
    expect(result.gaps).toEqual([]);
  });
});
