import { describe, expect, it } from "vitest";
import { cluster, deployment, isReady, patchDeployment, podOf, podsOf, reconcile } from "./fixtures.js";

const analytics = (limit = "128Mi") =>
  deployment("analytics-service", {
    annotations: { "triage.sim/memory-usage": "300Mi" },
    container: { resources: { requests: { memory: "64Mi" }, limits: { memory: limit } } },
  });

function setLimit(limit: string) {
  return (current: { spec: { template: { spec: { containers: { resources?: unknown }[] } } } }) => {
    current.spec.template.spec.containers[0]!.resources = {
      requests: { memory: "64Mi" },
      limits: { memory: limit },
    };
  };
}

describe("crashing containers", () => {
  it("OOM-kills a container using more memory than its limit, then backs off", () => {
    const view = cluster([analytics()]);
    reconcile(view, 3600);
    const pod = podOf(view, "analytics-service");
    const status = pod.status?.containerStatuses?.[0];
    expect(pod.status?.phase).toBe("Running");
    expect(isReady(pod)).toBe(false);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
    expect(status?.state?.waiting).toEqual({
      reason: "CrashLoopBackOff",
      message: `back-off 5m0s restarting failed container=analytics-service pod=${pod.metadata.name}_default(${pod.metadata.uid})`,
    });
    const restarts = status?.restartCount ?? 0;
    expect(restarts).toBeGreaterThan(10);
    expect(view.eventsFor(pod.metadata.name ?? "", "BackOff")[0]?.message).toBe(
      `Back-off restarting failed container analytics-service in pod ${pod.metadata.name}_default(${pod.metadata.uid})`,
    );
    reconcile(view, 1800);
    expect(podOf(view, "analytics-service").status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(
      restarts,
    );
  });

  it("starts backing off at 10s and doubles", () => {
    const view = cluster([analytics()]);
    reconcile(view, 6);
    const message = podOf(view, "analytics-service").status?.containerStatuses?.[0]?.state?.waiting?.message;
    expect(message).toMatch(/^back-off 10s restarting failed container=analytics-service/);
    reconcile(view, 15);
    expect(podOf(view, "analytics-service").status?.containerStatuses?.[0]?.state?.waiting?.message).toMatch(
      /^back-off 20s/,
    );
  });

  it("heals when the limit is raised above the usage", () => {
    const view = cluster([analytics()]);
    reconcile(view, 600);
    patchDeployment(view, "default", "analytics-service", setLimit("512Mi"));
    reconcile(view, 60);
    const pods = podsOf(view, "analytics-service");
    expect(pods).toHaveLength(1);
    expect(isReady(pods[0]!)).toBe(true);
    expect(pods[0]?.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it("does not heal when the raised limit is still below the usage", () => {
    const view = cluster([analytics()]);
    reconcile(view, 600);
    patchDeployment(view, "default", "analytics-service", setLimit("256Mi"));
    reconcile(view, 600);
    const current = podsOf(view, "analytics-service").filter(
      (pod) => pod.spec.containers[0]?.resources?.limits?.memory === "256Mi",
    );
    expect(current).toHaveLength(1);
    expect(current[0]?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe("OOMKilled");
    expect(isReady(current[0]!)).toBe(false);
  });

  it("crash-loops with a declared exit code and reason, serving current and previous logs", () => {
    const view = cluster([
      deployment("api-gateway", {
        annotations: {
          "triage.sim/exit-code.api-gateway": "137",
          "triage.sim/termination-reason.api-gateway": "Error",
          "triage.sim/log.api-gateway": "starting gateway\nconnection pool exhausted\n",
        },
      }),
    ]);
    reconcile(view, 900);
    const pod = podOf(view, "api-gateway");
    const status = pod.status?.containerStatuses?.[0];
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    expect(status?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(view.logs.get(`default/${pod.metadata.name}/api-gateway/true`)).toBe(
      "starting gateway\nconnection pool exhausted\n",
    );
    expect(view.logs.get(`default/${pod.metadata.name}/api-gateway/false`)).toContain(
      "connection pool exhausted",
    );
  });

  it("keeps the pod Pending in Init:CrashLoopBackOff when an init container fails", () => {
    const view = cluster([
      deployment("auth-service", {
        initContainers: [{ name: "migrate-db", image: "ghcr.io/acme/auth-migrate:3.2.0" }],
        annotations: {
          "triage.sim/exit-code.migrate-db": "1",
          "triage.sim/log.migrate-db": "ERROR: Connection refused - database unreachable\n",
        },
      }),
    ]);
    reconcile(view, 900);
    const pod = podOf(view, "auth-service");
    expect(pod.status?.phase).toBe("Pending");
    const init = pod.status?.initContainerStatuses?.[0];
    expect(init?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(init?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(init?.restartCount).toBeGreaterThan(3);
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("PodInitializing");
    expect(pod.status?.conditions?.find((condition) => condition.type === "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [migrate-db]",
    });
    expect(view.logs.get(`default/${pod.metadata.name}/migrate-db/true`)).toBe(
      "ERROR: Connection refused - database unreachable\n",
    );
  });

  it("completes init containers before starting the app", () => {
    const view = cluster([deployment("web", { initContainers: [{ name: "setup", image: "busybox:1.36" }] })]);
    reconcile(view, 10);
    const pod = podOf(view, "web");
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    expect(isReady(pod)).toBe(true);
  });

  it("restarts a container whose liveness probe fails: exit 137 Error, Killing and Unhealthy events", () => {
    const view = cluster([
      deployment("gateway", {
        annotations: { "triage.sim/liveness": "fail" },
        container: {
          livenessProbe: {
            httpGet: { path: "/healthz", port: 8080 },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            failureThreshold: 3,
          },
        },
      }),
    ]);
    reconcile(view, 30);
    expect(isReady(podOf(view, "gateway"))).toBe(true);
    reconcile(view, 600);
    const pod = podOf(view, "gateway");
    const status = pod.status?.containerStatuses?.[0];
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    expect(status?.restartCount).toBeGreaterThan(1);
    expect(view.eventsFor(pod.metadata.name ?? "", "Killing")[0]?.message).toBe(
      "Container gateway failed liveness probe, will be restarted",
    );
    expect(view.eventsFor(pod.metadata.name ?? "", "Unhealthy")[0]?.message).toBe(
      "Liveness probe failed: HTTP probe failed with statuscode: 500",
    );
  });
});
