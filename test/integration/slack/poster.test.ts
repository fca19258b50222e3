import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { defaultPolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { DependencyError } from "../../../src/errors.js";
import { createLogger } from "../../../src/log.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { InvestigationStore } from "../../../src/queue/store.js";
import { SLACK_CHANNEL_BURST, THREAD_BUDGET } from "../../../src/slack/blocks/budget.js";
import { sections } from "../../../src/slack/blocks/kit.js";
import { createSlackClient } from "../../../src/slack/client.js";
import { SlackNotifier } from "../../../src/slack/notifier.js";
import { SlackPoster } from "../../../src/slack/poster.js";
import { rcaReport } from "../../support/slack-fixtures.js";

const silent = createLogger({}, () => {}, "silent");
const message = (text: string) => ({ text, blocks: sections(text) });

let fake: FakeSlack;
let clock: number;
let waits: number[];

/** A poster whose waits are recorded on a virtual clock instead of slept. */
function poster(
  options: {
    channelIntervalMs?: number;
    channelBurst?: number;
    maxAttempts?: number;
    frozenClock?: boolean;
  } = {},
): SlackPoster {
  return new SlackPoster({
    client: createSlackClient(fake.token, fake.url),
    logger: silent,
    channelIntervalMs: options.channelIntervalMs ?? 0,
    channelBurst: options.channelBurst ?? 1,
    maxAttempts: options.maxAttempts ?? 5,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    random: () => 1,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      // A frozen clock shows the slots reserved by concurrent callers; otherwise waiting advances time.
      if (!options.frozenClock) clock += ms;
    },
  });
}

beforeEach(async () => {
  fake = await new FakeSlack().start();
  clock = 1_000_000;
  waits = [];
});
afterEach(async () => {
  await fake.stop();
});

describe("SlackPoster", () => {
  it("honours 429 Retry-After and then posts once", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 2 }, 2);
    const posted = await poster().post("C0OPS", message("hello"));
    expect(posted.channel).toBe("C0OPS");
    expect(waits).toEqual([2000, 2000]);
    expect(fake.callsOf("chat.postMessage").map((call) => call.status)).toEqual([429, 429, 200]);
    expect(fake.transcript()[0]?.messages.map((m) => m.text)).toEqual(["hello"]);
  });

  it("retries transient failures with exponential backoff", async () => {
    fake.failNext("chat.update", { status: 503 }, 1);
    fake.failNext("chat.postMessage", { error: "internal_error" }, 2);
    const p = poster();
    const posted = await p.post("C0OPS", message("v1"));
    await p.update("C0OPS", posted.ts, message("v2"));
    expect(waits).toEqual([500, 1000, 500]);
    expect(fake.transcript()[0]?.messages[0]?.edits).toEqual(["v1", "v2"]);
  });

  it("throws a retryable DependencyError when Slack stays down, and a permanent one when it refuses", async () => {
    fake.failNext("chat.postMessage", { status: 503 }, 5);
    const down = await poster()
      .post("C0OPS", message("lost?"))
      .catch((error: unknown) => error);
    expect(down).toBeInstanceOf(DependencyError);
    expect(down).toMatchObject({ code: "SLACK_UNAVAILABLE", permanent: false });
    expect(fake.callsOf("chat.postMessage")).toHaveLength(5);

    fake.failNext("chat.postMessage", { error: "channel_not_found" });
    const refused = await poster()
      .post("C0GONE", message("x"))
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "SLACK_CHANNEL_NOT_FOUND", permanent: true });
    expect(fake.callsOf("chat.postMessage")).toHaveLength(6);
  });

  it("paces writes to about one per second per channel, channels independently", async () => {
    const p = poster({ channelIntervalMs: 1000, channelBurst: 1, frozenClock: true });
    await Promise.all([
      p.post("C0A", message("a1")),
      p.post("C0A", message("a2")),
      p.post("C0A", message("a3")),
      p.post("C0B", message("b1")),
    ]);
    expect(waits.sort((x, y) => x - y)).toEqual([1000, 2000]);
    const [a, b] = fake.transcript();
    expect(a?.messages.map((m) => m.text)).toEqual(["a1", "a2", "a3"]);
    expect(b?.messages.map((m) => m.text)).toEqual(["b1"]);
  });

  it("spends Slack's short burst on the first writes of a channel, then paces one per second", async () => {
    const p = poster({ channelIntervalMs: 1000, channelBurst: SLACK_CHANNEL_BURST, frozenClock: true });
    const posted = await Promise.all(
      Array.from({ length: SLACK_CHANNEL_BURST + 2 }, (_, i) => p.post("C0A", message(`m${i}`))),
    );
    // The first SLACK_CHANNEL_BURST go at once; the next two wait one and two intervals.
    expect(waits.sort((x, y) => x - y)).toEqual([1000, 2000]);
    // Edits have their own lane: they never take a reply's slot.
    await p.update("C0A", posted[0]?.ts ?? "", message("edited"));
    expect(waits).toHaveLength(2);
  });

  it("treats an existing reaction as done", async () => {
    const p = poster();
    await p.react("C0OPS", "1.1", "eyes");
    await p.react("C0OPS", "1.1", "eyes");
    expect(fake.callsOf("reactions.add").map((call) => call.response.ok)).toEqual([true, false]);
  });
});

describe("SlackNotifier with a real store", () => {
  let redis: Redis;
  let store: InvestigationStore;
  let investigation: Investigation;

  beforeEach(async () => {
    redis = createProducerConnection(inject("redisUrl"), "slack-notifier-test");
    await waitReady(redis);
    store = new InvestigationStore(redis, { prefix: `sn-${randomUUID().slice(0, 8)}`, retentionHours: 1 });
    const parent = await poster().post("C0OPS", message("Investigating prod-api…"));
    ({ investigation } = await store.createOrJoin(
      {
        source: "slash-command",
        namespace: "prod-api",
        requestedBy: "U0ALICE",
        slack: { channel: "C0OPS", threadTs: parent.ts, statusTs: parent.ts },
        receivedAt: new Date().toISOString(),
      },
      new Date(),
    ));
  });
  afterEach(async () => {
    await redis.quit();
  });

  it("posts a long RCA as several valid messages and the full evidence as a file (files.uploadV2)", async () => {
    const cause = rcaReport().rootCauses[0]!;
    const evidence = Array.from({ length: 60 }, (_, i) => ({
      quote:
        `2026-11-21T09:0${i % 10}:00Z ERROR pool exhausted: connection ${i} to postgres:5432 refused `.repeat(
          3,
        ),
      source: `logs-${i}`,
    }));
    const causes = Array.from({ length: 60 }, (_, i) => ({
      ...cause,
      name: `cause ${i}`,
      evidence: i === 0 ? evidence : cause.evidence,
    }));
    const rca = rcaReport({
      rootCauses: causes,
      summary: "Database connections are exhausted. ".repeat(120),
    });
    const current = await store.update(investigation.id, (inv) => ({ ...inv, status: "completed", rca }));
    const notifier = new SlackNotifier({ poster: poster(), store, policy: defaultPolicy(), logger: silent });
    await notifier.notify(current, { type: "rca" });
    await notifier.notify(current, { type: "status" });

    // One RCA reply inside the block budget; the causes it has no room for are counted there.
    const posts = fake.callsOf("chat.postMessage").slice(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.response.ok).toBe(true);
    const blocks = posts[0]?.params.blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(THREAD_BUDGET.maxBlocksPerMessage);
    const shown = JSON.stringify(blocks);
    expect(shown).toContain("cause 0");
    expect(shown).toContain(`*${60 - THREAD_BUDGET.maxCausesInline} more root causes*`);

    expect(fake.callsOf("files.getUploadURLExternal")).toHaveLength(1);
    const complete = fake.callsOf("files.completeUploadExternal")[0];
    expect(complete?.params).toMatchObject({
      channel_id: "C0OPS",
      thread_ts: investigation.thread?.threadTs,
    });
    const file = fake.transcript()[0]?.messages[0]?.replies.at(-1)?.files?.[0];
    expect(file?.name).toBe(`evidence-${investigation.id}.txt`);
    for (const item of evidence) expect(file?.content).toContain(item.quote);
    for (let i = 0; i < 60; i++) expect(file?.content).toContain(`# ${i + 1}. cause ${i} `);
  });

  it("surfaces a Slack outage as DependencyError and posts exactly what is missing on the retry", async () => {
    const rca = rcaReport();
    const current = await store.update(investigation.id, (inv) => ({ ...inv, rca }));
    const notifier = new SlackNotifier({
      poster: poster({ maxAttempts: 2 }),
      store,
      policy: defaultPolicy(),
      logger: silent,
    });
    fake.failNext("chat.postMessage", { status: 503 }, 2);
    await expect(notifier.notify(current, { type: "rca" })).rejects.toBeInstanceOf(DependencyError);
    await notifier.notify(current, { type: "rca" });
    await notifier.notify(current, { type: "rca" });
    const replies = fake.transcript()[0]?.messages[0]?.replies ?? [];
    expect(replies.map((reply) => reply.text)).toEqual([
      expect.stringMatching(/^\[default\] Root cause \(P2\)/),
    ]);
  });

  it("creates the parent in the policy's route channel for investigations that did not start in Slack", async () => {
    const policy = {
      ...defaultPolicy(),
      routes: [{ namespaces: ["shop-*"], channel: "C0SHOP", notifyOnStart: true, notifyOnComplete: true }],
    };
    const { investigation: watched } = await store.createOrJoin(
      { source: "watcher", namespace: "shop-api", receivedAt: new Date().toISOString() },
      new Date(),
    );
    const notifier = new SlackNotifier({ poster: poster(), store, policy, logger: silent });
    await notifier.notify(watched, { type: "status" });
    await notifier.notify(watched, { type: "status" });
    const shop = fake.transcript().find((channel) => channel.channel === "C0SHOP");
    expect(shop?.messages).toHaveLength(1);
    const stored = await store.get(watched.id);
    expect(stored?.thread).toEqual({
      channel: "C0SHOP",
      threadTs: shop?.messages[0]?.ts,
      statusTs: shop?.messages[0]?.ts,
    });
  });

  it("honours a detected incident's notify-on-start: off (nothing while running, the result when done)", async () => {
    const { investigation: watched } = await store.createOrJoin(
      {
        source: "watcher",
        namespace: "quiet-api",
        slack: { channel: "C0QUIET" },
        notify: { onStart: false, onComplete: true },
        receivedAt: new Date().toISOString(),
      },
      new Date(),
    );
    const notifier = new SlackNotifier({ poster: poster(), store, policy: defaultPolicy(), logger: silent });
    await notifier.notify({ ...watched, status: "collecting" }, { type: "status" });
    expect(fake.transcript().find((channel) => channel.channel === "C0QUIET")).toBeUndefined();
    await notifier.notify({ ...watched, status: "completed" }, { type: "status" });
    expect(fake.transcript().find((channel) => channel.channel === "C0QUIET")?.messages).toHaveLength(1);
  });
});
