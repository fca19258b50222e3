import { afterEach, describe, expect, inject, it } from "vitest";
import { defaultPolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { createLogger } from "../../../src/log.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { authorizeApprover } from "../../../src/remediation/gate.js";
import { createSlackApp } from "../../../src/slack/app.js";
import { redisOnceGuard } from "../../../src/slack/once.js";
import { uniquePrefix } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

describe("Socket Mode", () => {
  it("opens its connection through SLACK_API_URL with the app token, and reports a refused token", async () => {
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const redis = createProducerConnection(inject("redisUrl"), "socket-mode-test");
    await waitReady(redis);
    const prefix = uniquePrefix("sm");
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    cleanup.push(
      () => redis.quit(),
      () => producer.close(),
    );
    const slack = await createSlackApp(
      {
        store: producer.store,
        producer,
        policy: defaultPolicy(),
        authorize: authorizeApprover,
        once: redisOnceGuard(redis, prefix),
        clock: () => new Date(),
        logger: createLogger({}, () => {}, "silent"),
        readiness: {},
      },
      {
        botToken: fake.token,
        signingSecret: "",
        appToken: "xapp-1-A0TRIAGE-1-abc",
        apiUrl: fake.url,
        port: 0,
      },
    );
    // Not the fake's app token: apps.connections.open refuses it, and start() says why.
    await expect(slack.start()).rejects.toThrow(/invalid_auth/);
    expect(fake.calls.map((call) => [call.method, call.token])).toEqual([
      ["auth.test", fake.token],
      ["apps.connections.open", "xapp-1-A0TRIAGE-1-abc"],
    ]);
  });
});
