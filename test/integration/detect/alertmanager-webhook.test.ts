import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { loadPolicy } from "../../../src/config/policy.js";
import { ALERT_QUEUE } from "../../../src/detect/alert-queue.js";
import { alertStorm } from "../../../src/dev/alert-storm.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { createLogger } from "../../../src/log.js";
import { type ServeApp, startServeApp } from "../../../src/server/serve-app.js";
import { firingPayload, resolvedPayload } from "../../fixtures/detect/alertmanager-payloads.js";
import { keepAliveClient } from "../../support/http-keepalive.js";
import { waitFor } from "../../support/queue-helpers.js";

const TOKEN = randomBytes(16).toString("hex");

describe("POST /alertmanager on the serve process", () => {
  let fake: FakeSlack;
  let serve: ServeApp;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    dir = mkdtempSync(join(tmpdir(), "alertmanager-"));
    const policyFile = join(dir, "policy.yaml");
    writeFileSync(
      policyFile,
      'namespaces: ["prod-*"]\nroutes: [{namespaces: ["prod-*"], channel: C0PROD}]\n',
    );
    const env = parseEnv({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: "s".repeat(32),
      SLACK_API_URL: fake.url,
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: `am-${randomBytes(4).toString("hex")}`,
      ALERTMANAGER_WEBHOOK_TOKEN: TOKEN,
      TRIAGE_POLICY_FILE: policyFile,
    });
    serve = await startServeApp({
      env,
      policy: loadPolicy(policyFile),
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({}, () => {}, "silent"),
      poster: { channelIntervalMs: 0 },
    });
    url = `http://127.0.0.1:${serve.port}/alertmanager`;
  });
  afterAll(async () => {
    await serve?.producer.investigations.obliterate({ force: true });
    await serve?.stop();
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, token = TOKEN) =>
    fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    });
  const jobs = async () => {
    const counts = await serve.producer.investigations.getJobCounts(
      "waiting",
      "active",
      "delayed",
      "completed",
      "failed",
    );
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };

  it("refuses a wrong token with 401 and a malformed payload with 400 and the reason; nothing is enqueued", async () => {
    expect((await post(JSON.stringify(firingPayload()), "not-the-token")).status).toBe(401);
    expect((await fetch(url, { method: "POST", body: "{}" })).status).toBe(401);
    const notJson = await post("{not json");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const wrongShape = await post(JSON.stringify({ ...firingPayload(), version: "3", alerts: "x" }));
    expect(wrongShape.status).toBe(400);
    const body = (await wrongShape.json()) as { problems: string[] };
    expect(body.problems.join("\n")).toMatch(/version/);
    expect(body.problems.join("\n")).toMatch(/alerts/);
    expect(await jobs()).toBe(0);
    expect(fake.callsOf("chat.postMessage")).toHaveLength(0);
  });

  /** Waits until every queued alert group was handled; returns their outcomes by group key. */
  const handled = async (keys: string[]) => {
    const outcomes = await waitFor(async () => {
      const done = await alertQueue().getJobs(["completed"]);
      const byKey = new Map<string, { outcome: string; investigationId?: string }>();
      for (const job of done) byKey.set(`${job.data.group.key}:${job.id}`, job.returnvalue);
      const wanted = keys.map((key) => [...byKey.entries()].find(([k]) => k === key)?.[1]);
      return wanted.every(Boolean) ? wanted : undefined;
    }, "the queued alert groups");
    return outcomes as { outcome: string; investigationId?: string }[];
  };
  const alertQueue = () =>
    new Queue(ALERT_QUEUE, { connection: serve.redis, prefix: serve.producer.store.keys.prefix });
  type Accepted = { groups: { key: string; outcome: string; job: string }[]; skipped: string[] };

  it("answers once the groups are queued, then posts a firing group to the routed channel and investigates in its thread, once per workload", async () => {
    const response = await post(JSON.stringify(firingPayload()));
    expect(response.status).toBe(202);
    const result = (await response.json()) as Accepted;
    expect(result.groups.map((group) => group.outcome)).toEqual(["queued", "queued"]);
    expect(result.skipped).toEqual(["NodeDiskPressure: no namespace label, cannot pick what to triage"]);
    const outcomes = await handled(result.groups.map((group) => `${group.key}:${group.job}`));
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["investigating", "investigating"]);

    const posted = fake.workspace.messages.filter(
      (message) => message.channel === "C0PROD" && !message.threadTs,
    );
    expect(posted.map((message) => message.text).sort()).toEqual([
      "🔥 FIRING: KubeDeploymentReplicasMismatch in prod-api (deployment/payment-service)",
      "🔥 FIRING: KubePodCrashLooping in prod-api (deployment/api-gateway)",
    ]);
    const gateway = posted.find((message) => message.text.includes("api-gateway"));
    const investigations = await Promise.all(
      outcomes.map((outcome) => serve.producer.store.get(outcome.investigationId as string)),
    );
    const forGateway = investigations.find((inv) => inv?.trigger.target?.name === "api-gateway");
    expect(forGateway?.trigger).toMatchObject({
      source: "alertmanager",
      namespace: "prod-api",
      target: { kind: "Deployment", name: "api-gateway" },
      slack: { channel: "C0PROD", threadTs: gateway?.ts },
    });
    expect(await jobs()).toBe(2);

    // Alertmanager re-sends the same group (repeat_interval): same message, no new investigation.
    const again = (await (await post(JSON.stringify(firingPayload()))).json()) as Accepted;
    const repeated = await handled(again.groups.map((group) => `${group.key}:${group.job}`));
    expect(repeated.map((outcome) => outcome.outcome).sort()).toEqual([
      "joined running investigation",
      "joined running investigation",
    ]);
    expect(await jobs()).toBe(2);
    expect(
      fake.workspace.messages.filter((message) => message.channel === "C0PROD" && !message.threadTs),
    ).toHaveLength(2);
  });

  it("a resolved notification updates the same message instead of posting or investigating", async () => {
    const before = await jobs();
    const response = await post(JSON.stringify(resolvedPayload()));
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as Accepted;
    const result = { groups: await handled(accepted.groups.map((group) => `${group.key}:${group.job}`)) };
    expect(result.groups.map((group) => group.outcome)).toEqual([
      "message updated: resolved",
      "message updated: resolved",
    ]);
    const parents = fake.workspace.messages.filter(
      (message) => message.channel === "C0PROD" && !message.threadTs,
    );
    expect(parents).toHaveLength(2);
    expect(parents.every((message) => message.text.startsWith("✅ RESOLVED"))).toBe(true);
    expect(parents.every((message) => message.edits.some((text) => text.startsWith("🔥 FIRING")))).toBe(true);
    expect(await jobs()).toBe(before);
  });

  it("a storm of 1,000 alerts (1.3+ MiB) is answered, recorded, and every workload is posted once", async () => {
    const storm = JSON.stringify(alertStorm({ alerts: 1000, workloads: 30, groupKey: "storm-1" }));
    expect(storm.length).toBeGreaterThan(1.3 * 1024 * 1024);
    const response = await post(storm);
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as Accepted;
    expect(accepted.groups).toHaveLength(30);
    const outcomes = await handled(accepted.groups.map((group) => `${group.key}:${group.job}`));
    expect(outcomes.every((outcome) => outcome.outcome === "investigating")).toBe(true);
    const parents = fake.workspace.messages.filter(
      (message) =>
        !message.threadTs &&
        message.text.includes("KubePodCrashLooping in prod-") &&
        message.text.includes("service-"),
    );
    expect(parents).toHaveLength(30);
  });

  it("answers 413 with the reason beyond the limit and closes the connection", async () => {
    const client = keepAliveClient(`http://127.0.0.1:${serve.port}`);
    try {
      const huge = JSON.stringify(alertStorm({ alerts: 9000, workloads: 30, groupKey: "too-big" }));
      expect(huge.length).toBeGreaterThan(10 * 1024 * 1024);
      const answer = await client.send("/alertmanager", {
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: huge,
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe("close");
      expect(JSON.parse(answer.body).error).toMatch(/larger than the 10 MiB limit; lower max_alerts/);
      const next = await client.send("/healthz", { method: "GET" });
      expect(next.status).toBe(200);
    } finally {
      client.close();
    }
  });
});
