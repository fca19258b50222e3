import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../../src/demo/index.js";
import { buttonValue } from "../../../src/demo/script.js";
import type { DemoStack } from "../../../src/demo/stack.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { createRedisMetrics, metricsKey, renderMetrics } from "../../../src/metrics/registry.js";
import { sections } from "../../../src/slack/blocks/kit.js";
import { DENY_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { createSlackClient } from "../../../src/slack/client.js";
import { SlackPoster } from "../../../src/slack/poster.js";

/** Prometheus text → series (name with labels, as printed) → value. */
function series(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** Denies the first pending prod-api proposal as the approver, through the real Bolt receiver. */
async function denyOneProdApiProposal(stack: DemoStack): Promise<void> {
  const message = stack.fake.workspace.messages.find(
    (candidate) => candidate.channel === "C0OPS" && / Fix \d \(/.test(candidate.text),
  );
  const value = message && buttonValue(message, DENY_ACTION_ID);
  expect(value).toBeDefined();
  const response = await stack.slack.action({
    actionId: DENY_ACTION_ID,
    value: value as string,
    user: "U0ALICE",
    channel: "C0OPS",
    messageTs: message?.ts as string,
    ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
    responseUrl: stack.fake.responseUrl(),
  });
  expect(response.status).toBe(200);
}

describe("pipeline metrics", () => {
  it("after a demo run, GET /metrics on the serve process shows investigations, phases, remediations, model usage and queue depth", async () => {
    let exposition = "";
    await runDemo({
      json: true,
      replayModel: true,
      inspect: async (stack) => {
        await denyOneProdApiProposal(stack);
        // The decision is recorded before Bolt answers; its counter write is fire-and-forget.
        for (let i = 0; i < 50 && !exposition.includes('outcome="denied"'); i++) {
          exposition = await (await fetch(`${stack.serveUrl}/metrics`)).text();
          if (!exposition.includes('outcome="denied"')) await new Promise((r) => setTimeout(r, 50));
        }
      },
    });
    const values = series(exposition);
    // The demo runs two clusters behind one serve: every series names its cluster.
    expect(
      values.get(
        'k8s_triage_investigations_total{cluster="eu-1",outcome="proposed",trigger="slash-command"}',
      ),
    ).toBe(1);
    expect(
      values.get(
        'k8s_triage_investigations_total{cluster="us-1",outcome="proposed",trigger="slash-command"}',
      ),
    ).toBe(1);
    expect(
      values.get('k8s_triage_investigations_total{cluster="eu-1",outcome="proposed",trigger="alertmanager"}'),
    ).toBe(1);
    expect(
      values.get('k8s_triage_investigations_total{cluster="eu-1",outcome="resolved",trigger="alertmanager"}'),
    ).toBe(1);
    for (const phase of ["collect", "triage", "analyze", "post", "execute", "validate"]) {
      expect(
        values.get(`k8s_triage_phase_duration_seconds_count{cluster="eu-1",phase="${phase}"}`),
        phase,
      ).toBeGreaterThan(0);
      expect(
        values.get(`k8s_triage_phase_duration_seconds_sum{cluster="eu-1",phase="${phase}"}`),
        phase,
      ).toBeGreaterThan(0);
    }
    // us-1 only investigated: no execution or validation there.
    expect(values.get('k8s_triage_phase_duration_seconds_count{cluster="us-1",phase="analyze"}')).toBe(1);
    expect(values.has('k8s_triage_phase_duration_seconds_count{cluster="us-1",phase="execute"}')).toBe(false);
    expect(
      values.get('k8s_triage_remediations_total{action="create-pvc",cluster="eu-1",outcome="succeeded"}'),
    ).toBe(1);
    // The demo's last act: the analytics-service memory fix in eu-1's prod-api.
    expect(
      values.get('k8s_triage_remediations_total{action="set-resources",cluster="eu-1",outcome="succeeded"}'),
    ).toBe(1);
    const denied = [...values].filter(
      ([name]) => name.startsWith("k8s_triage_remediations_total") && name.includes('outcome="denied"'),
    );
    expect(denied).toHaveLength(1);
    expect(denied[0]?.[1]).toBe(1);
    for (const cluster of ["eu-1", "us-1"]) {
      expect(values.get(`k8s_triage_model_tokens_total{cluster="${cluster}",kind="input"}`)).toBeGreaterThan(
        0,
      );
      expect(values.get(`k8s_triage_model_tokens_total{cluster="${cluster}",kind="output"}`)).toBeGreaterThan(
        0,
      );
      expect(values.get(`k8s_triage_model_cost_usd_total{cluster="${cluster}"}`)).toBeGreaterThan(0);
      for (const queue of ["investigations", "remediations"]) {
        for (const state of ["waiting", "active", "delayed", "prioritized", "completed", "failed"]) {
          expect(
            values.has(`k8s_triage_queue_jobs{queue="${queue}",state="${state}",cluster="${cluster}"}`),
            `${cluster} ${queue} ${state}`,
          ).toBe(true);
        }
      }
    }
    expect(values.get('k8s_triage_queue_jobs{queue="investigations",state="completed",cluster="eu-1"}')).toBe(
      2,
    );
    expect(values.get('k8s_triage_queue_jobs{queue="investigations",state="completed",cluster="us-1"}')).toBe(
      1,
    );
    expect(values.get('k8s_triage_queue_jobs{queue="remediations",state="completed",cluster="eu-1"}')).toBe(
      2,
    );
    expect(values.get('k8s_triage_queue_jobs{queue="remediations",state="completed",cluster="us-1"}')).toBe(
      0,
    );
    expect(exposition).toContain("# TYPE k8s_triage_slack_api_errors_total counter");
  }, 120_000);

  it("counts failed Slack calls by method and error, retried or refused", async () => {
    const redis = new Redis(process.env.REDIS_URL as string);
    const prefix = `slack-errors-${randomUUID()}`;
    const fake = await new FakeSlack().start();
    try {
      const metrics = createRedisMetrics(redis, prefix);
      const poster = new SlackPoster({
        client: createSlackClient(fake.token, fake.url),
        metrics,
        channelIntervalMs: 1,
        baseDelayMs: 1,
        maxDelayMs: 5,
      });
      fake.failNext("chat.postMessage", { status: 503 });
      const posted = await poster.post("C0OPS", { text: "hello", blocks: sections("hello") });
      fake.failNext("chat.update", { error: "cant_update_message" });
      await expect(
        poster.update("C0OPS", posted.ts, { text: "edited", blocks: sections("edited") }),
      ).rejects.toThrow();
      await metrics.flush();
      const values = series(await renderMetrics(redis, prefix));
      expect(
        values.get('k8s_triage_slack_api_errors_total{error="transient",method="chat.postMessage"}'),
      ).toBe(1);
      expect(
        values.get('k8s_triage_slack_api_errors_total{error="cant_update_message",method="chat.update"}'),
      ).toBe(1);
    } finally {
      await fake.stop();
      await redis.del(metricsKey(prefix));
      redis.disconnect();
    }
  });
});
