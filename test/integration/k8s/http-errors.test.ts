import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";

/**
 * A bare loopback HTTP server standing in for a misbehaving API server: one list hangs, one fails
 * with 500, the rest answer empty. Checks timeouts and errors become gaps, and that the gateway
 * sends nothing but GET with the kubeconfig's bearer token.
 */
let server: Server;
let url = "";
const seen: { method: string; path: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    seen.push({ method: req.method ?? "", path, auth: req.headers.authorization });
    if (path === "/api/v1/namespaces/shop/events") return; // never answers
    res.setHeader("content-type", "application/json");
    if (path === "/version") return res.end(JSON.stringify({ gitVersion: "v1.31.0" }));
    if (path === "/readyz") return res.end("[+]ping ok\nreadyz check passed\n");
    if (path === "/api/v1/namespaces/shop/configmaps") {
      res.statusCode = 500;
      return res.end(JSON.stringify({ kind: "Status", message: "etcdserver: request timed out" }));
    }
    res.end(JSON.stringify({ kind: "List", items: [], metadata: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function kubeConfig(server = url): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server }],
    users: [{ name: "u", token: "secret-token" }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  return kc;
}

describe("gateway errors", () => {
  it("turns a timeout and a 500 into gaps, and sends only authenticated GETs", async () => {
    const reader = createClusterReader(kubeConfig(), { timeoutMs: 300 });
    const snapshot = await collectSnapshot(reader, { namespace: "shop" });
    reader.close();
    const byResource = Object.fromEntries(snapshot.gaps.map((gap) => [gap.resource, gap]));
    expect(byResource.events?.reason).toBe("timeout");
    expect(byResource.events?.message).toMatch(
      /^could not list events in shop in time: no answer from .* within 300 ms/,
    );
    expect(byResource.configmaps?.reason).toBe("error");
    expect(byResource.configmaps?.message).toContain("HTTP 500: etcdserver: request timed out");
    expect(snapshot.gaps).toHaveLength(2);
    expect(snapshot.serverVersion).toBe("v1.31.0");
    expect(new Set(seen.map((request) => request.method))).toEqual(new Set(["GET"]));
    expect(new Set(seen.map((request) => request.auth))).toEqual(new Set(["Bearer secret-token"]));
  });

  it("honours an abort signal", async () => {
    const reader = createClusterReader(kubeConfig(), { timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = reader.list("events", { namespace: "shop", signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    reader.close();
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe("ABORTED");
  });

  it("fails fast, once, when the server does not answer or rejects the credentials", async () => {
    const silent = createServer(() => {});
    const rejecting = createServer((_req, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ kind: "Status", message: "Unauthorized" }));
    });
    const listen = async (s: Server) => {
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    };
    try {
      const quiet = createClusterReader(kubeConfig(await listen(silent)), { timeoutMs: 200 });
      const timeout = await collectSnapshot(quiet, { namespace: "shop" }).catch((e: unknown) => e);
      quiet.close();
      expect((timeout as ClusterError).code).toBe("CLUSTER_UNREACHABLE");
      expect((timeout as ClusterError).message).toMatch(
        /^cannot reach the cluster: no answer from .* within 200 ms for GET \/version/,
      );
      expect(quiet.requestCount).toBe(1);

      const denied = createClusterReader(kubeConfig(await listen(rejecting)));
      const rejected = await collectSnapshot(denied, { namespace: "shop" }).catch((e: unknown) => e);
      denied.close();
      expect((rejected as ClusterError).code).toBe("UNAUTHORIZED");
      expect((rejected as ClusterError).message).toContain(
        "the cluster rejected the credentials: read /version: HTTP 401: Unauthorized",
      );
      expect(denied.requestCount).toBe(1);
    } finally {
      for (const s of [silent, rejecting]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    }
  });
});
