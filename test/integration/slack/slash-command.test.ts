import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import type { Investigation } from "../../../src/domain/investigation.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { waitFor } from "../../support/queue-helpers.js";
import { proposalRecord, rcaReport, token, triageResult } from "../../support/slack-fixtures.js";
import { type SlackHarness, startSlackHarness } from "../../support/slack-harness.js";

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({ redisUrl: inject("redisUrl") });
});
afterEach(async () => {
  await h.stop();
});

/** The one investigation (the listener submits it right after posting the parent). */
async function onlyInvestigation(): Promise<Investigation> {
  const all = await waitFor(async () => {
    const recent = await h.producer.store.recent(10);
    return recent.length > 0 ? recent : undefined;
  }, "the investigation record");
  expect(all).toHaveLength(1);
  return all[0] as Investigation;
}

describe("/triage <namespace>", () => {
  it("acks, posts the parent, and the notifier fills the thread: summary, RCA, proposal with buttons", async () => {
    const response = await h.send.command({
      text: "prod-api checkout returns 502",
      responseUrl: h.fake.responseUrl(),
    });
    expect(response.status).toBe(200);

    const parentCall = await h.fake.waitFor((call) => call.method === "chat.postMessage");
    expect(parentCall.params).toMatchObject({ channel: "C0OPS" });
    expect(String(parentCall.params.text)).toBe("[default] Investigating prod-api… (queued)");
    expect(JSON.stringify(parentCall.params.blocks)).toContain(
      "Investigating cluster *default* · namespace *prod-api* for <@U0ALICE>",
    );
    const parentTs = String(parentCall.response.ts);

    // The trigger carries the thread: the worker never has to create one.
    const queued = await onlyInvestigation();
    expect(queued.trigger).toMatchObject({
      source: "slash-command",
      namespace: "prod-api",
      requestedBy: "U0ALICE",
      text: "checkout returns 502",
    });
    expect(queued.thread).toEqual({ channel: "C0OPS", threadTs: parentTs, statusTs: parentTs });
    expect(await h.producer.investigations.count()).toBe(1);

    // What the worker does next, driven directly: analysis phases through the real notifier.
    const notifier = h.slack.notifier;
    const record = proposalRecord({ token: token("tok-slash-1") });
    let current = await h.producer.store.update(queued.id, (inv) => ({
      ...inv,
      status: "analyzing",
      triage: triageResult(),
    }));
    await notifier.notify(current, { type: "status" });
    await notifier.notify(current, { type: "triage" });
    current = await h.producer.store.update(queued.id, (inv) => ({ ...inv, rca: rcaReport() }));
    await notifier.notify(current, { type: "rca" });
    current = await h.withProposals(queued.id, [record]);
    await notifier.notify(current, { type: "proposal", proposalId: record.proposal.id });
    await notifier.notify(current, { type: "status" });

    const [channel] = h.fake.transcript();
    expect(channel?.channel).toBe("C0OPS");
    const parent = channel?.messages[0];
    expect(parent?.ts).toBe(parentTs);
    const replies = parent?.replies ?? [];
    // The triage has no reply of its own any more: the RCA reply comes first, then the card.
    expect(replies.slice(0, 2).map((reply) => reply.text)).toEqual([
      expect.stringMatching(/^\[default\] Root cause \(P2\) in prod-api: Deployment api-gateway: /),
      "[default] Fix 1 (medium risk): set-resources on Deployment prod-api/api-gateway — approve or deny",
    ]);
    // The evidence file comes last, so the buttons stay near the top of the thread.
    expect(replies).toHaveLength(3);
    expect(replies[2]?.files?.[0]?.name).toMatch(/^evidence-/);
    const buttons = JSON.stringify(replies[1]?.blocks);
    expect(buttons).toContain(APPROVE_ACTION_ID);
    expect(buttons).toContain(record.token);
    // The parent was updated in place: running, then the answer (top cause, severity).
    expect(parent?.edits.at(-1)).toBe(
      "P2 [default] prod-api: Deployment api-gateway: The app container is OOM-killed every few minutes.",
    );
    expect(h.fake.callsOf("chat.update").every((call) => call.params.ts === parentTs)).toBe(true);
  });

  it("re-notifying the same steps (a retried job) posts nothing twice", async () => {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    await h.fake.waitFor((call) => call.method === "chat.postMessage");
    const queued = await onlyInvestigation();
    const current = await h.producer.store.update(queued.id, (inv) => ({
      ...inv,
      status: "analyzing",
      triage: triageResult(),
      rca: rcaReport(),
    }));
    await h.slack.notifier.notify(current, { type: "rca" });
    await h.slack.notifier.notify(current, { type: "rca" });
    expect(h.fake.callsOf("chat.postMessage")).toHaveLength(2);
  });

  it("answers invalid namespaces with an ephemeral usage message and enqueues nothing", async () => {
    for (const text of ["Prod_API", "", "-x"]) {
      const response = await h.send.command({ text, responseUrl: h.fake.responseUrl() });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { response_type: string; text: string };
      expect(body.response_type).toBe("ephemeral");
      expect(body.text).toContain("Usage: /triage <namespace> [what is wrong]");
    }
    expect(await h.producer.investigations.count()).toBe(0);
    expect(h.fake.callsOf("chat.postMessage")).toEqual([]);
  });

  it("/triage help answers in the ack; /triage status answers through response_url", async () => {
    const help = await h.send.command({ text: "help", responseUrl: h.fake.responseUrl() });
    expect(((await help.json()) as { text: string }).text).toBe(
      "/triage usage: /triage <namespace> [what is wrong]",
    );

    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    await h.fake.waitFor((call) => call.method === "chat.postMessage");
    // The parent is posted before the investigation is recorded; status reads the record.
    await vi.waitFor(async () => expect(await h.producer.store.recent()).toHaveLength(1), {
      timeout: 10_000,
    });
    const status = await h.send.command({ text: "status", responseUrl: h.fake.responseUrl("status") });
    expect(status.status).toBe(200);
    const reply = await h.fake.waitFor((call) => call.method === "response_url");
    expect(reply.params).toMatchObject({
      response_type: "ephemeral",
      text: "1 running, 0 recent investigations",
    });
    expect(JSON.stringify(reply.params.blocks)).toContain("https://slack.com/archives/C0OPS/p");
  });

  it("a second request for the same namespace joins: its parent is removed and the user gets a link", async () => {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    await h.fake.waitFor((call) => call.method === "chat.postMessage");
    await h.send.command({ text: "prod-api", user: "U0BOB", responseUrl: h.fake.responseUrl() });
    const reply = await h.fake.waitFor((call) => call.method === "response_url");
    expect(String(reply.params.text)).toBe("prod-api is already being investigated; your request joined it.");
    expect(JSON.stringify(reply.params.blocks)).toContain("https://fake-slack.example/archives/C0OPS/p");
    expect(h.fake.callsOf("chat.delete")).toHaveLength(1);
    expect(h.fake.transcript()[0]?.messages).toHaveLength(1);
    const investigation = await onlyInvestigation();
    expect(investigation.joined.map((t) => t.requestedBy)).toEqual(["U0BOB"]);
  });

  it("after every proposal expired, /triage starts a fresh investigation instead of joining the old one", async () => {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    const first = await onlyInvestigation();
    const expired = proposalRecord({
      token: token("tok-expired-1"),
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    await h.withProposals(first.id, [expired]);
    // A late click is refused as expired: its message tells the user to run /triage again.
    expect(await h.producer.decide(expired.token, "approve", "U0ALICE")).toMatchObject({
      ok: false,
      reason: "expired",
    });

    // Following that advice works: a new investigation, not "already being investigated".
    await h.send.command({ text: "prod-api", user: "U0BOB", responseUrl: h.fake.responseUrl() });
    const all = await waitFor(async () => {
      const recent = await h.producer.store.recent(10);
      return recent.length === 2 ? recent : undefined;
    }, "a second investigation");
    const fresh = all.find((candidate) => candidate.id !== first.id);
    expect(fresh).toMatchObject({ status: "queued", trigger: { requestedBy: "U0BOB" } });
    const old = await h.producer.store.get(first.id);
    expect(old?.status).toBe("completed");
    expect(old?.proposals[0]?.state).toBe("expired");
    expect(old?.joined).toEqual([]);
    expect(await h.producer.investigations.count()).toBe(2);
    const replies = h.fake.callsOf("response_url").map((call) => String(call.params.text));
    expect(replies.some((text) => text.includes("already being investigated"))).toBe(false);
  });

  it("when Slack itself fails, the reply says so and does not ask to /invite the bot", async () => {
    h.fake.failNext("chat.postMessage", { status: 503 }, 20);
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    const down = await h.fake.waitFor((call) => call.method === "response_url");
    expect(String(down.params.text)).toMatch(/^Slack is not accepting my messages right now/);
    expect(String(down.params.text)).not.toMatch(/invite/i);
    expect(await h.producer.investigations.count()).toBe(0);
  });

  it("when the bot is not in the channel, the reply asks to /invite it", async () => {
    h.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    const reply = await h.fake.waitFor((call) => call.method === "response_url");
    expect(String(reply.params.text)).toMatch(/not_in_channel\)\. Invite me with \/invite/);
  });

  it("refuses a bad signature or a stale timestamp with 401 and enqueues nothing", async () => {
    const wrong = await h.send.command(
      { text: "prod-api", responseUrl: h.fake.responseUrl() },
      { secret: "not-the-secret" },
    );
    expect(wrong.status).toBe(401);
    const stale = await h.send.command(
      { text: "prod-api", responseUrl: h.fake.responseUrl() },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    expect(await h.producer.investigations.count()).toBe(0);
    expect(h.fake.callsOf("chat.postMessage")).toEqual([]);
  });
});

describe("health routes on the Bolt server", () => {
  it("serves /healthz and /readyz (Redis checked)", async () => {
    const health = await fetch(`http://127.0.0.1:${h.port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${h.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: "ok" } });
  });
});

describe("readiness when Redis does not answer", () => {
  it("reports 503 and names the failing dependency", async () => {
    const down = await startSlackHarness({
      redisUrl: inject("redisUrl"),
      deps: {
        readiness: {
          redis: async () => {
            throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
          },
        },
      },
    });
    try {
      const ready = await fetch(`http://127.0.0.1:${down.port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        ready: false,
        checks: { redis: "failed: connect ECONNREFUSED 127.0.0.1:6379" },
      });
    } finally {
      await down.stop();
    }
  });
});
