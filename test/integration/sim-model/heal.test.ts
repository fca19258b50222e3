import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  type V1ReplicaSet,
  Watch,
} from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";

function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/**
 * Watches pods of a namespace from `resourceVersion` until `done` holds for the pods seen so far
 * (by name, latest version, deletions removed); `act` runs once the watch is established.
 */
function watchPods(
  sim: SimCluster,
  namespace: string,
  resourceVersion: string,
  done: (pods: Map<string, V1Pod>) => boolean,
  act: () => Promise<void> | void,
): Promise<Map<string, V1Pod>> {
  const pods = new Map<string, V1Pod>();
  const watch = new Watch(sim.kubeConfig("reader"));
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      controller?.abort();
      resolve(pods);
    };
    watch
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { resourceVersion },
        (type, object: V1Pod) => {
          const name = object.metadata?.name ?? "";
          if (type === "DELETED") pods.delete(name);
          else if (type === "ADDED" || type === "MODIFIED") pods.set(name, object);
          if (done(pods)) finish();
        },
        (error) => {
          if (error && !finished && (error as Error).name !== "AbortError") reject(error);
          else finish();
        },
      )
      .then(async (started) => {
        controller = started;
        if (finished) started.abort();
        try {
          await act();
        } catch (error) {
          finished = true;
          started.abort();
          reject(error);
        }
      }, reject);
  });
}

describe("fixes through the API heal the simulated cluster", () => {
  let sim: SimCluster | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it("a-team: creating the missing PVC lets postgres-db schedule, and it becomes Ready", async () => {
    sim = await startSimCluster({ scenario: "a-team-missing-pvc" });
    const cluster = sim;
    const core = cluster.kubeConfig("executor").makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: "a-team" });
    const stuck = list.items.find((pod) => pod.metadata?.name?.startsWith("postgres-db-"));
    expect(stuck?.status?.phase).toBe("Pending");
    const seen = await watchPods(
      cluster,
      "a-team",
      list.metadata?.resourceVersion ?? "0",
      (pods) => isReady(pods.get(stuck?.metadata?.name ?? "") ?? {}),
      async () => {
        await core.createNamespacedPersistentVolumeClaim({
          namespace: "a-team",
          body: {
            metadata: { name: "postgres-pvc" },
            spec: {
              storageClassName: "standard",
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: "5Gi" } },
            },
          },
        });
        cluster.clock.advance(30_000);
      },
    );
    const healed = seen.get(stuck?.metadata?.name ?? "");
    expect(healed?.spec?.nodeName).toBe("worker-1");
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: "postgres-pvc",
      namespace: "a-team",
    });
    expect(claim.status?.phase).toBe("Bound");
  });

  it("prod-api: rolling payment-service back to revision 1 through a patch brings it up", async () => {
    sim = await startSimCluster({ scenario: "prod-api-outage" });
    const cluster = sim;
    const apps = cluster.kubeConfig("executor").makeApiClient(AppsV1Api);
    const core = cluster.kubeConfig("reader").makeApiClient(CoreV1Api);
    const sets = await apps.listNamespacedReplicaSet({ namespace: "prod-api" });
    const previous = sets.items.find(
      (rs: V1ReplicaSet) =>
        rs.metadata?.name?.startsWith("payment-service-") &&
        rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1",
    );
    const template = structuredClone(previous?.spec?.template);
    delete template?.metadata?.labels?.["pod-template-hash"];
    const list = await core.listNamespacedPod({ namespace: "prod-api" });
    const payment = (pods: Map<string, V1Pod>) =>
      [...pods.values()].filter((pod) => pod.metadata?.name?.startsWith("payment-service-"));
    const seen = await watchPods(
      cluster,
      "prod-api",
      list.metadata?.resourceVersion ?? "0",
      (pods) => {
        const current = payment(pods).filter(
          (pod) => pod.spec?.containers[0]?.image === "ghcr.io/acme/payment-service:v2.0.3",
        );
        return current.length === 2 && current.every(isReady);
      },
      async () => {
        await apps.patchNamespacedDeployment(
          { name: "payment-service", namespace: "prod-api", body: { spec: { template } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        );
        cluster.clock.advance(30_000);
      },
    );
    expect(payment(seen).length).toBeGreaterThanOrEqual(2);
    const deployment = await apps.readNamespacedDeployment({
      name: "payment-service",
      namespace: "prod-api",
    });
    expect(deployment.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(deployment.status?.readyReplicas).toBe(2);
  });

  it("prod-api: raising analytics-service's memory limit above its usage ends the OOM kills; below does not", async () => {
    sim = await startSimCluster({ scenario: "prod-api-outage" });
    const apps = sim.kubeConfig("executor").makeApiClient(AppsV1Api);
    const core = sim.kubeConfig("reader").makeApiClient(CoreV1Api);
    const setLimit = (memory: string) =>
      apps.patchNamespacedDeployment(
        {
          name: "analytics-service",
          namespace: "prod-api",
          body: {
            spec: {
              template: {
                spec: { containers: [{ name: "analytics-service", resources: { limits: { memory } } }] },
              },
            },
          },
        },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
    const analytics = async () =>
      (await core.listNamespacedPod({ namespace: "prod-api" })).items.filter((pod) =>
        pod.metadata?.name?.startsWith("analytics-service-"),
      );
    await setLimit("256Mi");
    sim.clock.advance(120_000);
    const stillFailing = await analytics();
    expect(stillFailing.map((pod) => pod.spec?.containers[0]?.resources?.limits?.memory)).toEqual(["256Mi"]);
    expect(stillFailing[0]?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe("OOMKilled");
    await setLimit("512Mi");
    sim.clock.advance(120_000);
    const healed = await analytics();
    expect(healed).toHaveLength(1);
    expect(healed[0]?.spec?.containers[0]?.resources?.limits?.memory).toBe("512Mi");
    expect(isReady(healed[0]!)).toBe(true);
    expect(healed[0]?.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });
});
