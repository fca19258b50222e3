import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { collectedKinds } from "../../../src/k8s/kinds.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import type { WatchEvent } from "../../../src/k8s/reader.js";
import { isMutating, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { NO_NETPOL_IDENTITY, shopState } from "./fixture.js";

let sim: SimCluster;

beforeAll(async () => {
  sim = await startSimCluster({
    state: shopState(),
    identities: [NO_NETPOL_IDENTITY],
  });
});
afterAll(async () => {
  await sim?.close();
});

describe("ClusterReader against the simulated API server", () => {
  it("lists every page with limit+continue: one request per page", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    sim.clearRequests();
    const pods = await reader.list("pods", { namespace: "shop", pageSize: 3 });
    reader.close();
    expect(pods.map((pod) => pod.metadata.name).sort()).toEqual(
      ["web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "worker-0"].sort(),
    );
    expect(reader.requestCount).toBe(3);
    const lists = sim.requests.filter((request) => request.resource === "pods");
    expect(lists).toHaveLength(3);
    expect(lists.every((request) => request.query.limit === "3")).toBe(true);
    expect(lists.filter((request) => request.query.continue).length).toBe(2);
    // List items get the kind and apiVersion the server leaves out, and are redacted.
    expect(pods[0]?.kind).toBe("Pod");
    expect(pods[0]?.apiVersion).toBe("v1");
    expect(JSON.stringify(pods)).not.toContain("hunter2");
  });

  it("gets one object, and undefined for a missing one", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    const found = await reader.get("configmaps", "app-config", "shop");
    const missing = await reader.get("configmaps", "nope", "shop");
    reader.close();
    expect(found?.data).toEqual({ "app.properties": "[REDACTED]", LOG_LEVEL: "[REDACTED]" });
    expect(missing).toBeUndefined();
  });

  it("fetches Secrets as metadata only, and maps a 403 to FORBIDDEN", async () => {
    const admin = createClusterReader(sim.kubeConfig("admin"));
    const secret = await admin.get("secrets", "db-credentials", "shop");
    admin.close();
    expect(secret?.metadata.name).toBe("db-credentials");
    expect(secret?.kind).toBe("Secret");
    expect(secret?.data).toBeUndefined();
    // The reader may list Secrets' metadata (Helm release labels, managedFields) but never get one.
    const reader = createClusterReader(sim.kubeConfig("reader"));
    const error = await reader.get("secrets", "db-credentials", "shop").catch((e: unknown) => e);
    const listed = await reader.list("secrets", { namespace: "shop" });
    reader.close();
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe("FORBIDDEN");
    expect(listed.map((item) => item.metadata.name)).toContain("db-credentials");
    expect(listed.every((item) => item.data === undefined && item.stringData === undefined)).toBe(true);
  });

  it("reads logs redacted, /readyz and /version", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    const text = await reader.podLog("shop", "worker-0", {
      container: "worker",
      previous: true,
      tailLines: 10,
    });
    const readyz = await reader.readyz();
    const version = await reader.version();
    reader.close();
    expect(text).toContain("panic: queue unreachable");
    expect(text).toContain("using token [REDACTED]");
    expect(text).not.toContain("xoxb-");
    expect(readyz).toContain("readyz check passed");
    expect(version).toMatch(/^v1\./);
  });

  it("watches from a resourceVersion and ends on abort", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    const controller = new AbortController();
    const events: WatchEvent[] = [];
    // resourceVersion 0: start with the current objects as ADDED events, then follow changes.
    const watching = reader.watch(
      "configmaps",
      { namespace: "shop", resourceVersion: "0", signal: controller.signal },
      (event) => {
        events.push(event);
        if (event.type === "ADDED") controller.abort();
      },
    );
    await watching;
    reader.close();
    const added = events.find((event) => event.type === "ADDED");
    expect(added?.object.metadata.name).toBe("app-config");
    expect(added?.object.data).toEqual({ "app.properties": "[REDACTED]", LOG_LEVEL: "[REDACTED]" });
  });
});

describe("collectSnapshot against the simulated API server", () => {
  it("sends no mutating request: every request a GET by the reader identity", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    sim.clearRequests();
    const snapshot = await collectSnapshot(reader, { namespace: "shop" }, { now: sim.clock.now() });
    reader.close();
    expect(sim.requests.length).toBe(snapshot.requestCount);
    expect(sim.requests.filter((request) => isMutating(request))).toEqual([]);
    expect(new Set(sim.requests.map((request) => request.method))).toEqual(new Set(["GET"]));
    expect(new Set(sim.requests.map((request) => request.identity))).toEqual(new Set(["reader"]));
    // Secrets: one list, as PartialObjectMetadata (no data crosses the wire), never a get or watch.
    const onSecrets = sim.requests.filter((request) => request.resource === "secrets");
    expect(onSecrets.map((request) => `${request.verb} ${request.form}`)).toEqual(["list metadata"]);
  });

  it("collects one list per kind, probes, and the failing container's previous log", async () => {
    const reader = createClusterReader(sim.kubeConfig("reader"));
    const snapshot = await collectSnapshot(reader, { namespace: "shop" }, { now: sim.clock.now() });
    reader.close();
    // A list per kind, /version and /readyz, PodMetrics and NodeMetrics (metrics.k8s.io), one log.
    expect(snapshot.requestCount).toBe(collectedKinds().length + 2 + 2 + 1);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.pods).toHaveLength(8);
    expect(snapshot.namespaces.map((ns) => ns.metadata.name).sort()).toEqual(["shipping", "shop"]);
    expect(snapshot.logs).toEqual([
      expect.objectContaining({ namespace: "shop", pod: "worker-0", container: "worker", previous: true }),
    ]);
    expect(snapshot.readyz).toContain("readyz check passed");
    expect(snapshot.collectedAt).toBe("2026-01-15T09:00:00Z");
    expect(JSON.stringify(snapshot)).not.toMatch(/hunter2|xoxb-/);
  });

  it("does not send more requests for more pods (one page each)", async () => {
    const small = await startSimCluster({ state: shopState({ pods: 3, broken: false }) });
    const large = await startSimCluster({ state: shopState({ pods: 120, broken: false }) });
    try {
      const counts: number[] = [];
      for (const cluster of [small, large]) {
        const reader = createClusterReader(cluster.kubeConfig("reader"));
        const snapshot = await collectSnapshot(reader, { namespace: "shop" });
        reader.close();
        counts.push(snapshot.requestCount ?? -1);
        expect(snapshot.pods.length).toBeGreaterThan(0);
      }
      expect(counts[0]).toBe(counts[1]);
    } finally {
      await small.close();
      await large.close();
    }
  });

  it("turns a 403 into a gap and keeps going", async () => {
    const reader = createClusterReader(sim.kubeConfig("no-netpol"));
    const snapshot = await collectSnapshot(reader, { namespace: "shop" });
    reader.close();
    expect(snapshot.gaps).toEqual([
      expect.objectContaining({ resource: "networkpolicies", namespace: "shop", reason: "forbidden" }),
    ]);
    expect(snapshot.gaps[0]?.message).toMatch(/^no permission to list networkpolicies in shop/);
    expect(snapshot.pods).toHaveLength(8);
  });

  it("fails clearly when the cluster cannot be reached", async () => {
    const closed = await startSimCluster({});
    const kc = closed.kubeConfig("reader");
    const url = closed.url;
    await closed.close();
    const reader = createClusterReader(kc);
    const error = await collectSnapshot(reader, { namespace: "shop" }).catch((e: unknown) => e);
    reader.close();
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe("CLUSTER_UNREACHABLE");
    expect((error as ClusterError).message).toContain(`cannot reach the cluster at ${url}: `);
    expect((error as ClusterError).message).toContain("ECONNREFUSED");
  });

  it("rejects a kubeconfig with an unknown context (through loadKubeConfig)", async () => {
    const { loadKubeConfig } = await import("../../../src/k8s/kubeconfig.js");
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "kc-"));
    try {
      const path = join(dir, "config");
      await sim.writeKubeconfig(path, "reader");
      const kc: KubeConfig = loadKubeConfig({ kubeconfig: path, context: "sim-admin" });
      expect(kc.getCurrentContext()).toBe("sim-admin");
      expect(() => loadKubeConfig({ kubeconfig: path, context: "prod" })).toThrow(
        /context 'prod' not found in kubeconfig; known contexts: sim-admin, sim-reader/,
      );
      expect(() => loadKubeConfig({ kubeconfig: join(dir, "missing") })).toThrow(/^cannot load .*missing: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
