import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { loadPolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { createLogger } from "../../../src/log.js";
import { type ServeApp, startServeApp } from "../../../src/server/serve-app.js";
import { firingPayload, resolvedPayload } from "../../fixtures/detect/alertmanager-payloads.js";

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

  it("posts a firing group to the routed channel and investigates in its thread, once per workload", async () => {
    const response = await post(JSON.stringify(firingPayload()));
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      groups: { outcome: string; investigationId?: string }[];
      skipped: string[];
    };
    expect(result.groups.map((group) => group.outcome)).toEqual(["investigating", "investigating"]);
    expect(result.skipped).toEqual(["NodeDiskPressure: no namespace label, cannot pick what to triage"]);

    const posted = fake.workspace.messages.filter(
      (message) => message.channel === "C0PROD" && !message.threadTs,
    );
    expect(posted.map((message) => message.text).sort()).toEqual([
      "🔥 FIRING: KubeDeploymentReplicasMismatch in prod-api (deployment/payment-service)",
      "🔥 FIRING: KubePodCrashLooping in prod-api (deployment/api-gateway)",
    ]);
    const gateway = posted.find((message) => message.text.includes("api-gateway"));
    const id = result.groups.find((group) => group.outcome === "investigating")?.investigationId as string;
    const investigations = await Promise.all(
      result.groups.map((group) => serve.producer.store.get(group.investigationId as string)),
    );
    const forGateway = investigations.find((inv) => inv?.trigger.target?.name === "api-gateway");
    expect(forGateway?.trigger).toMatchObject({
      source: "alertmanager",
      namespace: "prod-api",
      target: { kind: "Deployment", name: "api-gateway" },
      slack: { channel: "C0PROD", threadTs: gateway?.ts },
    });
    expect(id).toBeTruthy();
    expect(await jobs()).toBe(2);

    // Alertmanager re-sends the same group (repeat_interval): same message, no new investigation.
    const again = (await (await post(JSON.stringify(firingPayload()))).json()) as {
      groups: { outcome: string }[];
    };
    expect(again.groups.map((group) => group.outcome).sort()).toEqual([
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
    expect(response.status).toBe(200);
    const result = (await response.json()) as { groups: { outcome: string }[] };
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
});
