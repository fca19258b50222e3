import { type ChildProcess, spawn } from "node:child_process";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultPolicy } from "../../../src/config/policy.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { createLogger } from "../../../src/log.js";
import { startHttpEndpoint, startMcpService } from "../../../src/mcp/index.js";
import { Producer } from "../../../src/queue/producer.js";
import { runCli } from "../cli/run-cli.js";
import {
  call,
  dropPrefix,
  type McpCluster,
  mutatingRequests,
  resourceText,
  serverEnv,
  startMcpCluster,
  testRedis,
  textOf,
  unwrap,
  waitFor,
} from "./harness.js";

const ROOT = process.cwd();
const TOKEN = "mcp-test-token-0123456789abcdef";
let cluster: McpCluster;
let redis: Redis;
let server: ChildProcess;
let url: string;
const clients: Client[] = [];
const seen: string[] = [];

/** Spawns `k8s-triage mcp --http --port 0` and resolves with the URL it prints on stderr. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "tsx"),
    [join(ROOT, "src", "cli.ts"), "mcp", "--http", "--port", "0", "--poll-ms", "100"],
    { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /k8s-triage mcp listening on (\S+)/.exec(stderr);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`mcp exited with ${code}: ${stderr}`)));
  });
}

async function connect(token = TOKEN): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "http-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

function post(target: string, headers: Record<string, string> = {}) {
  return fetch(target, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(initialize),
  });
}

beforeAll(async () => {
  cluster = await startMcpCluster();
  redis = testRedis(inject("redisUrl"));
  ({ child: server, url } = await startServer(
    serverEnv(cluster, { REDIS_URL: inject("redisUrl"), MCP_AUTH_TOKEN: TOKEN }),
  ));
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await dropPrefix(redis, cluster.prefix);
  redis?.disconnect();
  await cluster?.close();
});

describe("k8s-triage mcp --http", () => {
  it("refuses to start without a bearer token", async () => {
    const run = await runCli(["mcp", "--http", "--port", "0"], { ...serverEnv(cluster), MCP_AUTH_TOKEN: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--http needs a bearer token: set MCP_AUTH_TOKEN/);
  });

  it("answers 401 without the token or with a wrong one", async () => {
    const none = await post(url);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await post(url, { authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
    expect((await post(url, { authorization: TOKEN })).status).toBe(401);
    expect((await post(`${url}?token=${TOKEN}`)).status).toBe(401);
    const ok = await post(url, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("mcp-session-id")).toBeTruthy();
    await ok.body?.cancel();
  });

  it("binds loopback by default", async () => {
    const bound = new URL(url);
    expect(bound.hostname).toBe("127.0.0.1");
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info && info.family === "IPv4" && !info.internal)
      .map((info) => info?.address as string);
    for (const address of external) {
      const attempt = fetch(`http://${address}:${bound.port}/mcp`, { signal: AbortSignal.timeout(3000) });
      await expect(attempt, address).rejects.toThrow();
    }
  });

  it("serves the tools and triage to the SDK client over Streamable HTTP", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["triage", "explain_proposal", "pod_logs", "list_resources", "readyz"]),
    );
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const result = await call(client, seen, "triage", { namespace: "prod-api" });
    const body = JSON.parse(unwrap(textOf(result), "triage"));
    expect(body.rootCauses.map((cause: { category: string }) => cause.category)).toEqual(
      expect.arrayContaining(["image-pull", "missing-secret", "init-container-failure", "oom-killed"]),
    );
    const refused = await call(client, seen, "triage", { namespace: "kube-system" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/outside the namespaces/);
    const bad = await call(client, seen, "list_resources", { kind: 42 });
    expect(bad.isError).toBe(true);
    for (const value of cluster.secrets) expect(seen.join("\n"), value).not.toContain(value);
  });

  it("notifies every subscribed session when the watcher opens a new incident", async () => {
    const sessions = [await connect(), await connect()];
    const heard: string[][] = sessions.map(() => []);
    sessions.forEach((client, index) => {
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => {
        heard[index]?.push(note.params.uri);
      });
    });
    for (const client of sessions) await client.subscribeResource({ uri: "triage://investigations" });
    const producer = new Producer({ redis, prefix: cluster.prefix, retentionHours: 1 });
    const { investigation } = await producer.submitTrigger({
      source: "watcher",
      namespace: "prod-api",
      target: { kind: "Deployment", namespace: "prod-api", name: "analytics-service" },
      dedupKey: `watcher-${cluster.prefix}`,
      receivedAt: new Date().toISOString(),
    });
    await producer.close();
    await waitFor(
      () => heard.every((uris) => uris.includes("triage://investigations")),
      "resources/updated on both sessions",
    );
    const list = JSON.parse(
      unwrap(
        resourceText(await sessions[0]!.readResource({ uri: "triage://investigations" })),
        "investigations",
      ),
    );
    expect(list.map((entry: { id: string }) => entry.id)).toContain(investigation.id);
  });

  it("sent the simulated API server no mutating request", () => {
    expect(cluster.sim.requests.length).toBeGreaterThan(10);
    expect(mutatingRequests(cluster)).toEqual([]);
  });
});

describe("the HTTP endpoint's sessions", () => {
  it("caps open sessions and frees the slot of a client that vanished without closing its session", async () => {
    const reader = createClusterReader(cluster.sim.kubeConfig("reader"));
    const service = await startMcpService({
      reader,
      policy: defaultPolicy(),
      log: createLogger({}, () => undefined),
      prefix: cluster.prefix,
      retentionHours: 1,
      pollMs: 1000,
    });
    const endpoint = await startHttpEndpoint(service.context, service.hub, {
      host: "127.0.0.1",
      port: 0,
      token: TOKEN,
      maxSessions: 1,
      idleMs: 500,
    });
    try {
      const first = new Client({ name: "first", version: "1" });
      await first.connect(
        new StreamableHTTPClientTransport(new URL(endpoint.url), {
          requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
        }),
      );
      expect((await first.listTools()).tools.length).toBeGreaterThan(5);
      // Gone without DELETE: the server still holds its session.
      await first.close();
      const full = await post(endpoint.url, { authorization: `Bearer ${TOKEN}` });
      expect(full.status).toBe(503);
      expect(await full.text()).toMatch(/too many open sessions \(1\)/);
      let status = 0;
      const deadline = Date.now() + 10_000;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const retry = await post(endpoint.url, { authorization: `Bearer ${TOKEN}` });
        status = retry.status;
        await retry.body?.cancel();
      }
      expect(status).toBe(200);
    } finally {
      await endpoint.close();
      await service.close();
      reader.close();
    }
  });
});
