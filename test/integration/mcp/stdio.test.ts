import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { Producer } from "../../../src/queue/producer.js";
import { publishProgress } from "../../../src/queue/progress.js";
import { InvestigationStore } from "../../../src/queue/store.js";
import { triage } from "../../../src/triage/index.js";
import {
  call,
  dropPrefix,
  INJECTION,
  type McpCluster,
  mutatingRequests,
  PLANTED_PASSWORD,
  resourceText,
  serverEnv,
  startMcpCluster,
  testRedis,
  textOf,
  unwrap,
  waitFor,
} from "./harness.js";

const ROOT = process.cwd();
let cluster: McpCluster;
let client: Client;
let redis: Redis;
const seen: string[] = [];
const updates: string[] = [];
let listChanges = 0;

beforeAll(async () => {
  cluster = await startMcpCluster();
  redis = testRedis(inject("redisUrl"));
  // The real CLI, spawned as a client would: `k8s-triage mcp` on stdio.
  const transport = new StdioClientTransport({
    command: join(ROOT, "node_modules", ".bin", "tsx"),
    args: [join(ROOT, "src", "cli.ts"), "mcp", "--poll-ms", "100"],
    env: serverEnv(cluster, { REDIS_URL: inject("redisUrl"), SLACK_WORKSPACE_URL: "https://acme.slack.com" }),
    cwd: ROOT,
    stderr: "inherit",
  });
  client = new Client({ name: "stdio-test", version: "1.0.0" });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => {
    updates.push(note.params.uri);
  });
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    listChanges++;
  });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await dropPrefix(redis, cluster.prefix);
  redis?.disconnect();
  await cluster?.close();
});

describe("k8s-triage mcp over stdio", () => {
  it("lists the read-only tools with their zod-derived schemas and readOnlyHint", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual(
      [
        "change_timeline",
        "describe",
        "explain_proposal",
        "get_events",
        "get_resource",
        "list_resources",
        "owner_chain",
        "pod_logs",
        "readyz",
        "resource_usage",
        "rollout_history",
        "service_endpoints",
        "storage_classes",
        "triage",
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
      expect(tool.inputSchema.type).toBe("object");
    }
    const logs = tools.find((tool) => tool.name === "pod_logs");
    expect(logs?.inputSchema.required).toEqual(["pod"]);
    expect(logs?.inputSchema.properties?.tailLines).toMatchObject({
      type: "integer",
      maximum: 500,
      default: 100,
    });
    const triage = tools.find((tool) => tool.name === "triage");
    expect(triage?.inputSchema.required).toEqual(["namespace"]);
  });

  it("triages prod-api: the root causes, their evidence and proposals as data", async () => {
    const result = await call(client, seen, "triage", { namespace: "prod-api" });
    expect(result.isError).toBeFalsy();
    const body = JSON.parse(unwrap(textOf(result), "triage"));
    expect(body.namespace).toBe("prod-api");
    const categories = body.rootCauses.map((cause: { category: string }) => cause.category);
    expect(categories).toEqual(
      expect.arrayContaining(["image-pull", "missing-secret", "init-container-failure", "oom-killed"]),
    );
    const imagePull = body.rootCauses.find((cause: { category: string }) => cause.category === "image-pull");
    expect(imagePull.resource).toEqual({
      kind: "Deployment",
      namespace: "prod-api",
      name: "payment-service",
    });
    expect(imagePull.evidence.join("\n")).toContain("company-registry.io");
    expect(body.remediations.map((p: { id: string }) => p.id)).toContain("rollback:prod-api/payment-service");
    expect(body.howToApply).toMatch(/approve it in Slack/);
    expect(body.uri).toMatch(/^triage:\/\/investigations\/mcp-/);
  });

  it("explains the exact change of a proposal without executing it", async () => {
    const result = await call(client, seen, "explain_proposal", {
      namespace: "prod-api",
      proposalId: "rollback:prod-api/payment-service",
    });
    expect(result.isError).toBeFalsy();
    const body = JSON.parse(unwrap(textOf(result), "explain_proposal"));
    expect(body.executed).toBe(false);
    expect(body.change).toMatch(/spec\.template\.spec\.containers\[payment-service\]\.image: \S+ -> \S+/);
    expect(body.request.method).toBe("PATCH");
    expect(body.request.path).toBe("/apis/apps/v1/namespaces/prod-api/deployments/payment-service");
    expect(body.policy.allowed).toBe(true);
    expect(body.howToApply).toMatch(/Slack/);

    const unknown = await call(client, seen, "explain_proposal", {
      namespace: "prod-api",
      proposalId: "scale:x",
    });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain("rollback:prod-api/payment-service");
  });

  it("answers bad input with an MCP error result and keeps serving", async () => {
    const missing = await call(client, seen, "get_resource", { kind: "Deployment" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/name/);
    const wrongType = await call(client, seen, "pod_logs", {
      pod: "x",
      namespace: "prod-api",
      tailLines: 10_000,
    });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/tailLines/);
    const unknownKind = await call(client, seen, "list_resources", { kind: "Widget", namespace: "prod-api" });
    expect(unknownKind.isError).toBe(true);
    expect(textOf(unknownKind)).toMatch(/unknown or unreadable kind 'Widget'/);
    const notFound = await call(client, seen, "describe", {
      kind: "Pod",
      name: "nope",
      namespace: "prod-api",
    });
    expect(notFound.isError).toBe(true);
    expect(textOf(notFound)).toContain("not found");
    const badNamespace = await call(client, seen, "triage", { namespace: "Not_A_Namespace" });
    expect(badNamespace.isError).toBe(true);
    // Still alive and answering.
    expect((await client.listTools()).tools.length).toBeGreaterThan(5);
  });

  it("refuses namespaces outside the policy", async () => {
    for (const [name, args] of [
      ["list_resources", { kind: "Pod", namespace: "kube-system" }],
      ["pod_logs", { pod: "coredns-0", namespace: "kube-system" }],
      ["triage", { namespace: "kube-system" }],
      ["get_events", { namespace: "default" }],
    ] as const) {
      const result = await call(client, seen, name, args);
      expect(result.isError, name).toBe(true);
      expect(textOf(result), name).toMatch(/outside the namespaces/);
    }
  });

  it("wraps prompt-injection text from logs as untrusted data and scrubs the pod's own password", async () => {
    const result = await call(client, seen, "pod_logs", { pod: "report-worker-0", namespace: "prod-api" });
    expect(result.isError).toBeFalsy();
    const body = unwrap(textOf(result), "pod_logs");
    expect(body).toContain(INJECTION);
    expect(body).toContain("connecting to postgres as report, password=[REDACTED]");
    expect(textOf(result)).not.toContain(PLANTED_PASSWORD);
  });

  it("never shows a secret value in any result", async () => {
    await call(client, seen, "list_resources", { kind: "Secret", namespace: "prod-api" });
    await call(client, seen, "get_resource", {
      kind: "Deployment",
      name: "notification-service",
      namespace: "prod-api",
    });
    await call(client, seen, "describe", { kind: "Pod", name: "report-worker-0", namespace: "prod-api" });
    await call(client, seen, "get_events", { namespace: "prod-api", limit: 200 });
    await call(client, seen, "list_resources", { kind: "ConfigMap", namespace: "prod-api" });
    const secret = await call(client, seen, "get_resource", {
      kind: "Secret",
      name: "payment-db",
      namespace: "prod-api",
    });
    expect(secret.isError).toBe(true);
    expect(textOf(secret)).toMatch(/Secrets are never read/);
    for (const tool of ["storage_classes", "readyz"]) await call(client, seen, tool, {});
    await call(client, seen, "rollout_history", { deployment: "payment-service", namespace: "prod-api" });
    await call(client, seen, "service_endpoints", { service: "payment-service", namespace: "prod-api" });
    const { resources } = await client.listResources();
    for (const resource of resources)
      seen.push(JSON.stringify(await client.readResource({ uri: resource.uri })));

    const everything = seen.join("\n");
    expect(everything).toContain("notification-service");
    expect(seen.length).toBeGreaterThan(20);
    for (const value of cluster.secrets) expect(everything, value).not.toContain(value);
  });

  it("sent the simulated API server no mutating request, and only as the reader", () => {
    expect(cluster.sim.requests.length).toBeGreaterThan(20);
    expect(mutatingRequests(cluster)).toEqual([]);
    const identities = new Set(cluster.sim.requests.map((request) => request.identity));
    expect([...identities]).toEqual([cluster.sim.identities.reader.name]);
  });

  it("notifies a subscribed client when an alert opens a new incident in another process's store", async () => {
    await client.subscribeResource({ uri: "triage://investigations" });
    const before = { updates: updates.length, listChanges };
    const producer = new Producer({ redis, prefix: cluster.prefix, retentionHours: 1 });
    const { investigation } = await producer.submitTrigger({
      source: "alertmanager",
      namespace: "prod-api",
      target: { kind: "Deployment", namespace: "prod-api", name: "payment-service" },
      text: "KubeDeploymentReplicasMismatch",
      dedupKey: `am-${cluster.prefix}`,
      receivedAt: new Date().toISOString(),
    });
    await producer.close();
    await waitFor(
      () =>
        updates.slice(before.updates).includes("triage://investigations") && listChanges > before.listChanges,
      "resources/updated and list_changed",
    );
    const list = await client.readResource({ uri: "triage://investigations" });
    const summaries = JSON.parse(unwrap(resourceText(list), "investigations"));
    expect(summaries[0]).toMatchObject({
      id: investigation.id,
      source: "alertmanager",
      namespace: "prod-api",
    });
    const one = await client.readResource({ uri: `triage://investigations/${investigation.id}` });
    const record = JSON.parse(unwrap(resourceText(one), "investigation"));
    expect(record).toMatchObject({
      id: investigation.id,
      status: "queued",
      trigger: { source: "alertmanager" },
    });
    expect(JSON.stringify(record)).not.toMatch(/"token"/);

    // A worker picks it up: its phase change reaches a client subscribed to that investigation.
    const uri = `triage://investigations/${investigation.id}`;
    await client.subscribeResource({ uri });
    const store = new InvestigationStore(redis, { prefix: cluster.prefix, retentionHours: 1 });
    const now = new Date();
    await store.transition(investigation.id, "collecting", now);
    await publishProgress(
      redis,
      { investigationId: investigation.id, status: "collecting", at: now.toISOString() },
      cluster.prefix,
    );
    await waitFor(() => updates.includes(uri), `resources/updated for ${uri}`);
    const again = JSON.parse(unwrap(resourceText(await client.readResource({ uri })), "investigation"));
    expect(again.status).toBe("collecting");
  });

  it("serves a stored investigation's triage and RCA, and points explain_proposal at its Slack thread", async () => {
    const producer = new Producer({ redis, prefix: cluster.prefix, retentionHours: 1 });
    const { investigation } = await producer.submitTrigger({
      source: "slash-command",
      namespace: "prod-api",
      requestedBy: "U0ALICE",
      text: "/triage prod-api payments down, token=sk-live-51HqK2xLkR9vT3mNpQ7wYzA4bC8dE6fG",
      slack: { channel: "C0PROD", threadTs: "1765000000.123456" },
      dedupKey: `slash-${cluster.prefix}`,
      receivedAt: new Date().toISOString(),
    });
    // An incident in a namespace outside this server's policy stays hidden.
    const hidden = await producer.submitTrigger({
      source: "watcher",
      namespace: "kube-system",
      dedupKey: `hidden-${cluster.prefix}`,
      receivedAt: new Date().toISOString(),
    });
    await producer.close();
    const listed = JSON.parse(
      unwrap(resourceText(await client.readResource({ uri: "triage://investigations" })), "investigations"),
    );
    expect(listed.map((entry: { id: string }) => entry.id)).toContain(investigation.id);
    expect(listed.map((entry: { id: string }) => entry.id)).not.toContain(hidden.investigation.id);
    await expect(
      client.readResource({ uri: `triage://investigations/${hidden.investigation.id}` }),
    ).rejects.toThrow(/unknown or expired/);
    // What a worker stores after collect + triage (the real engine on the same cluster).
    const reader = createClusterReader(cluster.sim.kubeConfig("reader"));
    const result = triage(await collectSnapshot(reader, { namespace: "prod-api" }), {
      namespace: "prod-api",
    });
    reader.close();
    const store = new InvestigationStore(redis, { prefix: cluster.prefix, retentionHours: 1 });
    await store.update(investigation.id, (record) => ({
      ...record,
      triage: result,
      rca: rcaFromTriage(result, "no model in this test"),
    }));

    const uri = `triage://investigations/${investigation.id}`;
    const text = resourceText(await client.readResource({ uri }));
    seen.push(text);
    const record = JSON.parse(unwrap(text, "investigation"));
    expect(record.rca.rootCauses.map((cause: { category: string }) => cause.category)).toEqual(
      expect.arrayContaining(["image-pull", "oom-killed"]),
    );
    expect(record.slack.link).toBe("https://acme.slack.com/archives/C0PROD/p1765000000123456");
    expect(record.trigger.text).toContain("payments down");
    expect(text).not.toContain("sk-live-51HqK2xLkR9vT3mNpQ7wYzA4bC8dE6fG");

    const explained = await call(client, seen, "explain_proposal", {
      investigationId: investigation.id,
      proposalId: "set-resources:prod-api/analytics-service",
    });
    const body = JSON.parse(unwrap(textOf(explained), "explain_proposal"));
    expect(body.slackLink).toBe("https://acme.slack.com/archives/C0PROD/p1765000000123456");
    expect(body.change).toContain("128Mi -> 384Mi");
    expect(body.executed).toBe(false);
    expect(mutatingRequests(cluster)).toEqual([]);
  });
});
