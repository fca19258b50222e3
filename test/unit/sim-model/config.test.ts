import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { cluster, deployment, isReady, podOf, reconcile } from "./fixtures.js";

const userService = () =>
  deployment("user-service", {
    namespace: "prod-api",
    container: {
      env: [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "db-credentials", key: "url" } } }],
    },
  });

function secret(
  name: string,
  namespace: string,
  data?: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    type: "Opaque",
    ...(data ? { data } : {}),
  };
}

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data };
}

describe("container config", () => {
  it("reports a missing Secret as CreateContainerConfigError with a Failed event", () => {
    const view = cluster([userService()]);
    const pod = podOf(view, "user-service");
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: 'secret "db-credentials" not found',
    });
    const failed = view.eventsFor(pod.metadata.name ?? "", "Failed");
    expect(failed.map((event) => event.message)).toEqual(['Error: secret "db-credentials" not found']);
    expect(failed[0]).toMatchObject({ type: "Warning", source: { component: "kubelet", host: "node-1" } });
  });

  it("reports a missing key of an existing Secret", () => {
    const view = cluster([secret("db-credentials", "prod-api", { password: "aHVudGVyMg==" }), userService()]);
    expect(podOf(view, "user-service").status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(
      "couldn't find key url in Secret prod-api/db-credentials",
    );
  });

  it("trusts metadata-only Secrets unless they declare their keys", () => {
    const trusted = cluster([secret("db-credentials", "prod-api"), userService()]);
    expect(isReady(podOf(trusted, "user-service"))).toBe(true);
    const declared = cluster([
      secret("db-credentials", "prod-api", undefined, { "triage.sim/keys": "username,password" }),
      userService(),
    ]);
    expect(podOf(declared, "user-service").status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe(
      "CreateContainerConfigError",
    );
  });

  it("reports missing ConfigMaps and keys (env and envFrom)", () => {
    const byKey = cluster([
      configMap("app-config", { other: "1" }),
      deployment("api", {
        container: {
          env: [{ name: "MODE", valueFrom: { configMapKeyRef: { name: "app-config", key: "mode" } } }],
        },
      }),
    ]);
    expect(podOf(byKey, "api").status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(
      "couldn't find key mode in ConfigMap default/app-config",
    );
    const byRef = cluster([
      deployment("api", { container: { envFrom: [{ configMapRef: { name: "app-config" } }] } }),
    ]);
    expect(podOf(byRef, "api").status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(
      'configmap "app-config" not found',
    );
    const optional = cluster([
      deployment("api", {
        container: { envFrom: [{ configMapRef: { name: "app-config", optional: true } }] },
      }),
    ]);
    expect(isReady(podOf(optional, "api"))).toBe(true);
  });

  it("reports a missing Secret volume as ContainerCreating with FailedMount", () => {
    const view = cluster([
      deployment("web", {
        spec: { volumes: [{ name: "tls", secret: { secretName: "web-tls" } }] },
        container: { volumeMounts: [{ name: "tls", mountPath: "/tls" }] },
      }),
    ]);
    const pod = podOf(view, "web");
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ContainerCreating");
    expect(view.eventsFor(pod.metadata.name ?? "", "FailedMount")[0]?.message).toBe(
      'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found',
    );
    reconcile(view, 600);
    expect(view.eventsFor(pod.metadata.name ?? "", "FailedMount")[0]?.count).toBeGreaterThan(1);
  });

  it("heals the same pod once the Secret is created", () => {
    const view = cluster([userService()]);
    const before = podOf(view, "user-service");
    reconcile(view, 60);
    view.upsert(secret("db-credentials", "prod-api", { url: "cG9zdGdyZXM6Ly8=" }));
    reconcile(view);
    const pod = podOf(view, "user-service");
    expect(pod.metadata.name).toBe(before.metadata.name);
    expect(pod.status?.phase).toBe("Running");
    expect(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBe(view.now());
    expect(isReady(pod)).toBe(true);
  });
});
