import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { waitFor } from "../../support/queue-helpers.js";
import { rcaReport, triageResult } from "../../support/slack-fixtures.js";
import { type SlackHarness, startSlackHarness } from "../../support/slack-harness.js";

const POLICY = parsePolicy(`incidentChannels: [C0INCIDENTS]`);

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({ redisUrl: inject("redisUrl"), policy: POLICY });
});
afterEach(async () => {
  await h.stop();
});

/** A message as Alertmanager's Slack integration (an incoming webhook) delivers it. */
function alertmanagerMessage(ts: string, channel = "C0INCIDENTS"): Record<string, unknown> {
  return {
    type: "message",
    subtype: "bot_message",
    text: "",
    ts,
    username: "Alertmanager",
    bot_id: "B0ALERTMGR",
    channel,
    channel_type: "channel",
    event_ts: ts,
    attachments: [
      {
        id: 1,
        color: "a63636",
        fallback: "[FIRING:1] KubePodCrashLooping (prod-api/api-gateway)",
        title: "[FIRING:1] KubePodCrashLooping (prod-api/api-gateway)",
        title_link: "http://alertmanager.local/#/alerts?receiver=slack",
        text: "*Alert:* Pod prod-api/api-gateway-7d9f8c6b5d-x2x7q is crash looping\n*Labels:* namespace=prod-api severity=critical",
        fields: [{ title: "severity", value: "critical", short: true }],
      },
    ],
  };
}

async function investigations(): Promise<Investigation[]> {
  return h.producer.store.recent(10);
}

describe("alert messages in incident channels", () => {
  it("start an investigation in the alert's thread, with 👀; Slack's retry changes nothing", async () => {
    const ts = "1763715600.000100";
    expect((await h.send.event(alertmanagerMessage(ts), "Ev0ALERT1")).status).toBe(200);
    const reaction = await h.fake.waitFor((call) => call.method === "reactions.add");
    expect(reaction.params).toMatchObject({ channel: "C0INCIDENTS", timestamp: ts, name: "eyes" });
    const [investigation, ...rest] = await investigations();
    expect(rest).toEqual([]);
    expect(investigation?.trigger).toMatchObject({
      source: "alert-message",
      namespace: "prod-api",
      target: { kind: "Deployment", namespace: "prod-api", name: "api-gateway" },
      slack: { channel: "C0INCIDENTS", threadTs: ts },
    });

    // Slack redelivers the same event (we were "slow"): dropped, no second reaction or job.
    const retry = await h.send.event(alertmanagerMessage(ts), "Ev0ALERT1", { retryNum: 1 });
    expect(retry.status).toBe(200);
    // A new delivery id for the same message (e.g. after a reconnect) is still the same alert.
    await h.send.event(alertmanagerMessage(ts), "Ev0ALERT1b");
    await waitFor(async () => (await h.producer.investigations.count()) === 1 || undefined, "one job");
    expect(await investigations()).toHaveLength(1);
    expect(h.fake.callsOf("reactions.add")).toHaveLength(1);
  });

  it("the notifier replies in the alert thread and marks the alert ✅ when the analysis is done", async () => {
    const ts = "1763715600.000200";
    await h.send.event(alertmanagerMessage(ts), "Ev0ALERT2");
    await h.fake.waitFor((call) => call.method === "reactions.add");
    const [queued] = await investigations();
    const id = (queued as Investigation).id;
    let current = await h.producer.store.update(id, (inv) => ({ ...inv, status: "collecting" }));
    await h.slack.notifier.notify(current, { type: "status" });
    current = await h.producer.store.update(id, (inv) => ({
      ...inv,
      status: "completed",
      triage: triageResult(),
      rca: rcaReport(),
    }));
    await h.slack.notifier.notify(current, { type: "triage" });
    await h.slack.notifier.notify(current, { type: "status" });

    const thread = h.fake.transcript()[0]?.messages.find((message) => message.ts === ts);
    expect(thread?.reactions).toEqual(["eyes", "white_check_mark"]);
    expect(thread?.replies[0]?.edits[0]).toBe("[default] Investigating prod-api… (collecting cluster state)");
    // No separate triage reply; the evidence file follows once the analysis is done.
    expect(thread?.replies).toHaveLength(2);
    expect(thread?.replies[1]?.files?.[0]?.name).toBe(`evidence-${id}.txt`);
    // The status reply was updated in place to the answer.
    expect(thread?.replies[0]?.edits.at(-1)).toBe(
      "P2 [default] prod-api: Deployment api-gateway: The app container is OOM-killed every few minutes.",
    );
    expect((await h.producer.store.get(id))?.thread?.statusTs).toBe(thread?.replies[0]?.ts);
  });

  it("ignores humans, other channels, thread replies, resolved alerts and our own posts", async () => {
    const human = {
      type: "message",
      user: "U0ALICE",
      text: "namespace=prod-api is down",
      ts: "1.1",
      channel: "C0INCIDENTS",
    };
    const elsewhere = alertmanagerMessage("1.2", "C0RANDOM");
    const reply = { ...alertmanagerMessage("1.3"), thread_ts: "1.0" };
    const resolved = {
      ...alertmanagerMessage("1.4"),
      attachments: [{ title: "[RESOLVED] KubePodCrashLooping (prod-api/api)" }],
    };
    const own = {
      ...alertmanagerMessage("1.5"),
      bot_id: "B0TRIAGEBOT",
      subtype: undefined,
      user: "U0TRIAGEBOT",
    };
    let n = 0;
    for (const event of [human, elsewhere, reply, resolved, own]) {
      expect((await h.send.event(event, `Ev0IGN${n++}`)).status).toBe(200);
    }
    // A firing alert afterwards is handled: everything before it was seen and dropped.
    await h.send.event(alertmanagerMessage("1.6"), "Ev0LAST");
    await h.fake.waitFor((call) => call.method === "reactions.add");
    const all = await investigations();
    expect(all.map((inv) => inv.trigger.slack?.threadTs)).toEqual(["1.6"]);
  });
});

describe("@mentions", () => {
  async function threadOfNewInvestigation(): Promise<{ investigation: Investigation; threadTs: string }> {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    const parent = await h.fake.waitFor((call) => call.method === "chat.postMessage");
    const [investigation] = await waitFor(async () => {
      const recent = await investigations();
      return recent.length ? recent : undefined;
    }, "investigation");
    return { investigation: investigation as Investigation, threadTs: String(parent.response.ts) };
  }

  it("“re-investigate” in a finished investigation's thread starts a fresh one in that thread", async () => {
    const { investigation, threadTs } = await threadOfNewInvestigation();
    await h.producer.store.transition(investigation.id, "failed", new Date(), { note: "test" });
    const mention = {
      type: "app_mention",
      user: "U0ALICE",
      text: "<@U0TRIAGEBOT> re-investigate please",
      ts: "1763715700.000100",
      thread_ts: threadTs,
      channel: "C0OPS",
      event_ts: "1763715700.000100",
    };
    await h.send.event(mention, "Ev0MENTION1");
    const ack = await h.fake.waitFor(
      (call) => call.method === "chat.postMessage" && String(call.params.text).startsWith("On it"),
    );
    expect(ack.params.thread_ts).toBe(threadTs);
    const all = await investigations();
    expect(all).toHaveLength(2);
    expect(all[0]?.trigger).toMatchObject({ source: "mention", namespace: "prod-api", slack: { threadTs } });
  });

  it("a question without a configured model gets a clear answer in the thread", async () => {
    const { threadTs } = await threadOfNewInvestigation();
    await h.send.event(
      {
        type: "app_mention",
        user: "U0BOB",
        text: "<@U0TRIAGEBOT> why 137?",
        ts: "2.1",
        thread_ts: threadTs,
        channel: "C0OPS",
      },
      "Ev0MENTION2",
    );
    const answer = await h.fake.waitFor(
      (call) =>
        call.method === "chat.postMessage" && String(call.params.text).startsWith("Follow-up questions need"),
    );
    expect(answer.params.thread_ts).toBe(threadTs);
  });
});

describe("@mentions in an old investigation's thread", () => {
  it("are answered in that thread however many investigations came after it", async () => {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    const parent = await h.fake.waitFor((call) => call.method === "chat.postMessage");
    const threadTs = String(parent.response.ts);
    await waitFor(async () => (await investigations()).length > 0 || undefined, "investigation");
    // A busy day: 250 newer investigations (the watcher's, other channels') push it far down
    // the recent list.
    for (let index = 0; index < 250; index++) {
      await h.producer.store.createOrJoin(
        { source: "watcher", namespace: `team-${index}`, receivedAt: new Date().toISOString() },
        new Date(),
      );
    }
    await h.send.event(
      {
        type: "app_mention",
        user: "U0BOB",
        text: "<@U0TRIAGEBOT> why 137?",
        ts: "3.1",
        thread_ts: threadTs,
        channel: "C0OPS",
      },
      "Ev0MENTION3",
    );
    const answer = await h.fake.waitFor(
      (call) =>
        call.method === "chat.postMessage" &&
        call.params.thread_ts === threadTs &&
        String(call.params.text).startsWith("Follow-up questions need"),
    );
    expect(answer.params.channel).toBe("C0OPS");
    // Taken for the thread's question, not for a new request about a namespace called "why".
    expect(
      h.fake
        .callsOf("chat.postMessage")
        .some((call) => /why/.test(String(call.params.text)) && call !== answer),
    ).toBe(false);
  });
});

describe("App Home", () => {
  it("publishes recent investigations with links to their threads", async () => {
    await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
    await waitFor(async () => (await investigations()).length > 0 || undefined, "investigation");
    await h.send.event(
      { type: "app_home_opened", user: "U0ALICE", channel: "D0ALICE", tab: "home" },
      "Ev0HOME",
    );
    const publish = await h.fake.waitFor((call) => call.method === "views.publish");
    expect(publish.params.user_id).toBe("U0ALICE");
    const view = JSON.stringify(publish.params.view);
    expect(view).toContain("<https://slack.com/archives/C0OPS/p");
    expect(view).toContain("prod-api");
  });
});
