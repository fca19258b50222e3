import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { defaultPolicy, type Policy } from "../../src/config/policy.js";
import { FakeSlack } from "../../src/dev/fake-slack.js";
import type { Investigation, ProposalRecord } from "../../src/domain/investigation.js";
import { createLogger } from "../../src/log.js";
import { createProducerConnection, waitReady } from "../../src/queue/connection.js";
import { Producer } from "../../src/queue/producer.js";
import { authorizeApprover } from "../../src/remediation/gate.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import type { SlackDeps } from "../../src/slack/deps.js";
import { redisOnceGuard } from "../../src/slack/once.js";
import { SlackSender } from "./slack-requests.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** Everything a Slack integration test drives: the real Bolt app, real Redis queue, fake Slack. */
export interface SlackHarness {
  fake: FakeSlack;
  slack: SlackApp;
  producer: Producer;
  redis: Redis;
  send: SlackSender;
  port: number;
  policy: Policy;
  /** Stores proposals on an investigation and registers their tokens, as the worker does. */
  withProposals(
    id: string,
    records: ProposalRecord[],
    status?: Investigation["status"],
  ): Promise<Investigation>;
  stop(): Promise<void>;
}

export async function startSlackHarness(options: {
  redisUrl: string;
  policy?: Policy;
  usergroups?: Record<string, string[]>;
  deps?: Partial<SlackDeps>;
  /** Share queues with workers started by the test (default: a fresh prefix). */
  prefix?: string;
  /** Use this fake Slack (default: a new one, stopped with the harness). */
  fake?: FakeSlack;
}): Promise<SlackHarness> {
  const policy = options.policy ?? defaultPolicy();
  const fake = options.fake ?? (await new FakeSlack({ usergroups: options.usergroups ?? {} }).start());
  const redis = createProducerConnection(options.redisUrl, "slack-test");
  await waitReady(redis);
  const prefix = options.prefix ?? `st-${randomUUID().slice(0, 8)}`;
  const producer = new Producer({ redis, prefix, retentionHours: 1 });
  const logger = createLogger({}, () => {}, "silent");
  const deps: SlackDeps = {
    store: producer.store,
    producer,
    policy,
    authorize: authorizeApprover,
    once: redisOnceGuard(redis, prefix),
    clock: () => new Date(),
    logger,
    readiness: {
      redis: async () => {
        await redis.ping();
      },
    },
    ...options.deps,
  };
  const slack = await createSlackApp(deps, {
    botToken: fake.token,
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.url,
    port: 0,
    host: "127.0.0.1",
    // Pacing and backoff stay on, only shorter, so tests exercise the same code paths.
    poster: { channelIntervalMs: 5, baseDelayMs: 5, maxDelayMs: 20 },
  });
  const { port } = await slack.start();
  const send = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);
  return {
    fake,
    slack,
    producer,
    redis,
    send,
    port,
    policy,
    async withProposals(id, records, status = "proposed") {
      const updated = await producer.store.update(id, (current) => {
        current.proposals = records;
        current.status = status;
        return current;
      });
      await producer.store.registerTokens(updated);
      return updated;
    },
    async stop() {
      await slack.stop();
      await producer.close();
      await redis.quit();
      if (!options.fake) await fake.stop();
    },
  };
}
