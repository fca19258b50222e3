import { describe, expect, it } from "vitest";
import type { Endpoints, KubeObject } from "../../../src/domain/kube.js";
import { cluster, deployment, isReady, podOf, podsOf, reconcile, service } from "./fixtures.js";

function endpoints(view: ReturnType<typeof cluster>, name: string): Endpoints | undefined {
  return view.get("Endpoints", "default", name) as Endpoints | undefined;
}

describe("readiness and endpoints", () => {
  it("keeps a pod with a failing readiness probe Running but not Ready, with Unhealthy events", () => {
    const view = cluster([
      deployment("checkout", {
        annotations: { "triage.sim/readiness": "fail" },
        container: { readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 10 } },
      }),
      service("checkout"),
    ]);
    reconcile(view, 120);
    const pod = podOf(view, "checkout");
    expect(pod.status?.phase).toBe("Running");
    expect(isReady(pod)).toBe(false);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      ready: false,
      started: true,
      restartCount: 0,
    });
    const unhealthy = view.eventsFor(pod.metadata.name ?? "", "Unhealthy")[0];
    expect(unhealthy).toMatchObject({
      type: "Warning",
      message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
    });
    expect(unhealthy?.count).toBe(13);
    const subsets = endpoints(view, "checkout")?.subsets;
    expect(subsets?.[0]?.addresses).toBeUndefined();
    expect(subsets?.[0]?.notReadyAddresses?.[0]?.targetRef).toMatchObject({
      kind: "Pod",
      name: pod.metadata.name,
    });
  });

  it("becomes Ready after the readiness probe's initial delay", () => {
    const view = cluster([
      deployment("slow", {
        container: { readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 20 } },
      }),
    ]);
    expect(isReady(podOf(view, "slow"))).toBe(false);
    reconcile(view, 20);
    expect(isReady(podOf(view, "slow"))).toBe(true);
  });

  it("lists ready pods matching the selector, resolving the target port", () => {
    const view = cluster([
      deployment("web", { replicas: 2, container: { ports: [{ containerPort: 8080, name: "http" }] } }),
      service("web"),
    ]);
    const subset = endpoints(view, "web")?.subsets?.[0];
    const ips = podsOf(view, "web")
      .map((pod) => pod.status?.podIP)
      .sort();
    expect(subset?.addresses?.map((address) => address.ip).sort()).toEqual(ips);
    expect(subset?.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
  });

  it("leaves a Service whose selector matches nothing without endpoints", () => {
    const view = cluster([deployment("web"), service("web-svc", "default", { app: "wbe" })]);
    expect(endpoints(view, "web-svc")?.subsets).toBeUndefined();
  });

  it("crash-loops a dependent until its dependency has ready endpoints, then recovers", () => {
    const redis = deployment("redis", {
      container: { envFrom: [{ configMapRef: { name: "redis-config" } }] },
    });
    const app = deployment("orders", { annotations: { "triage.sim/depends-on": "redis:6379" } });
    const view = cluster([redis, service("redis"), app]);
    reconcile(view, 600);
    const orders = podOf(view, "orders");
    expect(orders.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(orders.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: "Error",
    });
    expect(view.logs.get(`default/${orders.metadata.name}/orders/true`)).toContain(
      "dial tcp 10.96.12.34:6379: connect: connection refused",
    );
    const config: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "redis-config", namespace: "default" },
      data: { maxmemory: "256mb" },
    };
    view.upsert(config);
    reconcile(view);
    expect(isReady(podOf(view, "redis"))).toBe(true);
    reconcile(view, 300);
    const healed = podOf(view, "orders");
    expect(healed.metadata.name).toBe(orders.metadata.name);
    expect(isReady(healed)).toBe(true);
  });
});
