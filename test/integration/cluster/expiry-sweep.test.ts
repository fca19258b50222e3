import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { ClusterDirectory } from "../../../src/cluster/directory.js";
import { sweepOfflineExpiries } from "../../../src/cluster/expiry-sweep.js";
import type { AgentHeartbeat } from "../../../src/cluster/registry.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { createLogger } from "../../../src/log.js";
import { readAudit } from "../../../src/queue/audit.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { expireDueProposals } from "../../../src/queue/expire.js";
import { createSlackClient } from "../../../src/slack/client.js";
import { SlackNotifier } from "../../../src/slack/notifier.js";
import { SlackPoster } from "../../../src/slack/poster.js";
import { uniquePrefix } from "../../support/queue-helpers.js";
import { proposal, proposalRecord, rcaReport, token } from "../../support/slack-fixtures.js";

/**
 * Central closes the approval windows of a cluster whose agent is offline (its own delayed expiry
 * job cannot run): through the real notifier and Slack client against the fake Slack, on the
 * cluster's own scope in a real Redis.
 */

const silent = createLogger({}, () => {}, "silent");
let fake: FakeSlack;
let redis: Redis;
let directory: ClusterDirectory;

beforeEach(async () => {
  fake = await new FakeSlack().start();
  redis = createProducerConnection(inject("redisUrl"), "expiry-sweep-test");
  await waitReady(redis);
  directory = new ClusterDirectory({
    redis,
    basePrefix: uniquePrefix("sweep"),
    retentionHours: 1,
    configured: ["eu-1", "us-1"],
    logger: silent,
  });
});
afterEach(async () => {
  await directory.close();
  await redis.quit();
  await fake.stop();
});

const notifiers = new Map<string, SlackNotifier>();
function notifierFor(cluster: string): SlackNotifier {
  const found = notifiers.get(`${fake.url}:${cluster}`);
  if (found) return found;
  const notifier = new SlackNotifier({
    poster: new SlackPoster({
      client: createSlackClient(fake.token, fake.url),
      logger: silent,
      channelIntervalMs: 0,
      // One attempt: a scripted Slack failure fails the announcement, as a long outage would.
      maxAttempts: 1,
      baseDelayMs: 1,
      sleep: async () => {},
    }),
    store: directory.scope(cluster).store,
    policy: defaultPolicy(),
    logger: silent,
    clusterName: cluster,
  });
  notifiers.set(`${fake.url}:${cluster}`, notifier);
  return notifier;
}

function heartbeat(cluster: string, lastSeen: Date): AgentHeartbeat {
  return {
    id: `${cluster}-agent`,
    cluster,
    version: "test",
    roles: ["investigations", "remediations", "follow-ups"],
    host: "node-1",
    pid: 1,
    startedAt: lastSeen.toISOString(),
    lastSeen: lastSeen.toISOString(),
  };
}

/** An investigation of `cluster` whose fix card is in its Slack thread, its window already closed. */
async function postedWithClosedWindow(cluster: string, channel: string): Promise<Investigation> {
  const scope = directory.scope(cluster);
  const { investigation } = await scope.producer.submitTrigger({
    source: "slash-command",
    namespace: "prod-api",
    cluster,
    requestedBy: "U0ALICE",
    slack: { channel },
    receivedAt: new Date().toISOString(),
  });
  const record = proposalRecord({
    proposal: proposal({ id: `set-resources:${cluster}` }),
    token: token(`tok-${cluster}`),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  const proposed = await scope.store.update(investigation.id, (current) => ({
    ...current,
    status: "proposed",
    rca: rcaReport(),
    proposals: [record],
  }));
  const notifier = notifierFor(cluster);
  await notifier.notify(proposed, { type: "status" });
  await notifier.notify(await scope.store.require(investigation.id), { type: "rca" });
  await notifier.notify(await scope.store.require(investigation.id), {
    type: "proposal",
    proposalId: record.proposal.id,
  });
  // The window closed a minute ago; nobody clicked.
  return scope.store.update(investigation.id, (current) => {
    for (const item of current.proposals) item.expiresAt = new Date(Date.now() - 60_000).toISOString();
    return current;
  });
}

describe("central's expiry sweep", () => {
  it("closes the windows of the cluster whose agent is offline, once, and leaves an online cluster to its agent", async () => {
    const now = new Date();
    await directory.registry.beat(heartbeat("eu-1", new Date(now.getTime() - 10 * 60_000)));
    await directory.registry.beat(heartbeat("us-1", now));
    const eu = await postedWithClosedWindow("eu-1", "C0EU");
    const us = await postedWithClosedWindow("us-1", "C0US");
    const card = eu.proposals[0]?.message;
    expect(card).toBeDefined();
    const updatesBefore = fake.callsOf("chat.update").length;

    const result = await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60 });
    expect(result).toEqual({
      swept: [{ cluster: "eu-1", investigationId: eu.id, expired: ["set-resources:eu-1"] }],
      failed: [],
    });

    const euAfter = await directory.scope("eu-1").store.require(eu.id);
    expect(euAfter.proposals[0]?.state).toBe("expired");
    const audit = await readAudit(redis, eu.id, { prefix: directory.scope("eu-1").prefix });
    expect(audit.filter((entry) => entry.kind === "refusal")).toMatchObject([
      { actor: "expiry", data: { proposalId: "set-resources:eu-1", reason: "expired" } },
    ]);
    // The card itself now says so and offers no buttons.
    const edits = fake.callsOf("chat.update").slice(updatesBefore);
    const cardEdit = edits.find((call) => call.params.ts === card?.ts);
    expect(cardEdit).toBeDefined();
    expect(JSON.stringify(cardEdit?.params.blocks)).toMatch(/expired/i);
    expect(JSON.stringify(cardEdit?.params.blocks)).not.toContain('"type":"button"');
    // us-1's agent is online: its own expiry job closes its window, central does not.
    expect((await directory.scope("us-1").store.require(us.id)).proposals[0]?.state).toBe("pending");
    expect(edits.some((call) => call.params.channel === "C0US")).toBe(false);

    // Once: a second sweep, and the agent's own job when it comes back, find nothing left.
    const editsAfterFirst = fake.callsOf("chat.update").length;
    expect(await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60 })).toEqual({
      swept: [],
      failed: [],
    });
    const scope = directory.scope("eu-1");
    const late = await expireDueProposals(
      {
        store: scope.store,
        audit: scope.producer.audit,
        now: new Date(),
        notify: async () => {
          throw new Error("nothing is left to announce");
        },
      },
      eu.id,
    );
    expect(late.expired).toEqual([]);
    expect(fake.callsOf("chat.update")).toHaveLength(editsAfterFirst);
  });

  it("announces an expiry whose post failed (Slack away) on the next sweep, once", async () => {
    await directory.registry.beat(heartbeat("eu-1", new Date(Date.now() - 10 * 60_000)));
    const eu = await postedWithClosedWindow("eu-1", "C0EU");
    const card = eu.proposals[0]?.message;
    const unannounced = new Map<string, string>();
    fake.failNext("chat.update", { status: 503 });
    const first = await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60, unannounced });
    // Reported as failed (what central logs), not as done.
    expect(first.swept).toEqual([]);
    expect(first.failed).toMatchObject([{ cluster: "eu-1", investigationId: eu.id }]);
    expect([...unannounced]).toEqual([[eu.id, "eu-1"]]);
    // Expired in the store already, but the card was not redrawn.
    expect((await directory.scope("eu-1").store.require(eu.id)).proposals[0]?.state).toBe("expired");
    const cardEdits = () =>
      fake
        .callsOf("chat.update")
        .filter(
          (call) => call.params.ts === card?.ts && JSON.stringify(call.params.blocks).includes("Expired"),
        );
    expect(cardEdits()).toHaveLength(0);

    const second = await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60, unannounced });
    expect(second).toEqual({ swept: [], failed: [] });
    expect(cardEdits()).toHaveLength(1);
    expect(unannounced.size).toBe(0);
    // And never again.
    await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60, unannounced });
    expect(cardEdits()).toHaveLength(1);
  });

  it("does nothing for a cluster whose windows are all still open", async () => {
    await directory.registry.beat(heartbeat("eu-1", new Date(Date.now() - 10 * 60_000)));
    const scope = directory.scope("eu-1");
    const { investigation } = await scope.producer.submitTrigger({
      source: "slash-command",
      namespace: "prod-api",
      cluster: "eu-1",
      receivedAt: new Date().toISOString(),
    });
    await scope.store.update(investigation.id, (current) => ({
      ...current,
      status: "proposed",
      proposals: [proposalRecord({ expiresAt: new Date(Date.now() + 600_000).toISOString() })],
    }));
    expect(await sweepOfflineExpiries({ directory, notifierFor, offlineSeconds: 60 })).toEqual({
      swept: [],
      failed: [],
    });
    expect((await scope.store.require(investigation.id)).proposals[0]?.state).toBe("pending");
  });
});
