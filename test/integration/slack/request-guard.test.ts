import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { slackSignature } from "../../../src/dev/slack-requests.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { keepAliveClient } from "../../support/http-keepalive.js";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness } from "../../support/slack-harness.js";

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({ redisUrl: inject("redisUrl") });
});
afterEach(async () => {
  await h.stop();
});

const now = () => Math.floor(Date.now() / 1000);

describe("X-Slack-Request-Timestamp window (both directions)", () => {
  it("refuses correctly signed requests dated more than five minutes ahead: commands, clicks and events", async () => {
    const future = { timestamp: now() + 6 * 60 };
    const command = await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() }, future);
    expect(command.status).toBe(401);
    expect(await command.text()).toMatch(/in the future; requests more than 300 s from the server's clock/);
    const click = await h.send.action(
      {
        actionId: APPROVE_ACTION_ID,
        value: "A".repeat(32),
        user: "U0ALICE",
        channel: "C0OPS",
        messageTs: "1.1",
        responseUrl: h.fake.responseUrl(),
      },
      future,
    );
    expect(click.status).toBe(401);
    const event = await h.send.event(
      { type: "app_mention", user: "U0ALICE", text: "<@U0TRIAGEBOT> prod-api", channel: "C0OPS", ts: "2.2" },
      "Ev0FUTURE",
      future,
    );
    expect(event.status).toBe(401);
    expect(await h.producer.investigations.count()).toBe(0);
    expect(h.fake.calls).toEqual(h.fake.callsOf("auth.test"));
  });

  it("still accepts a request with ordinary clock skew (two minutes ahead)", async () => {
    const ok = await h.send.command(
      { text: "prod-api", responseUrl: h.fake.responseUrl() },
      { timestamp: now() + 2 * 60 },
    );
    expect(ok.status).toBe(200);
    await h.fake.waitFor((call) => call.method === "chat.postMessage");
  });
});

describe("413 from Bolt's receiver", () => {
  it("closes the connection, so the next request on a keep-alive client is answered", async () => {
    const client = keepAliveClient(`http://127.0.0.1:${h.port}`);
    try {
      const body = `payload=${"x".repeat(5 * 1024 * 1024)}`;
      const timestamp = now();
      const big = await client.send("/slack/events", {
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": slackSignature(SIGNING_SECRET, timestamp, body),
        },
        body,
      });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe("close");
      const next = await client.send("/healthz", { method: "GET" });
      expect(next.status).toBe(200);
    } finally {
      client.close();
    }
  });
});
