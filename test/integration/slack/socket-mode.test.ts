import { afterEach, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { defaultPolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { commandPayload } from "../../../src/dev/slack-requests.js";
import { createLogger } from "../../../src/log.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import { authorizeApprover } from "../../../src/remediation/gate.js";
import { createSlackApp, type SlackApp } from "../../../src/slack/app.js";
import { redisOnceGuard } from "../../../src/slack/once.js";
import { uniquePrefix, waitFor } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

/** The real Bolt app in Socket Mode against the fake, with a real Redis behind it. */
async function socketApp(
  fake: FakeSlack,
  appToken: string,
): Promise<{ slack: SlackApp; producer: Producer }> {
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
      appToken,
      apiUrl: fake.url,
      port: 0,
      host: "127.0.0.1",
      poster: { channelIntervalMs: 5, baseDelayMs: 5, maxDelayMs: 20 },
    },
  );
  return { slack, producer };
}

describe("Socket Mode", () => {
  it("opens its connection through SLACK_API_URL with the app token, and reports a refused token", async () => {
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const { slack } = await socketApp(fake, "xapp-1-A0TRIAGE-1-abc");
    // Not the fake's app token: apps.connections.open refuses it, and start() says why.
    await expect(slack.start()).rejects.toThrow(/invalid_auth/);
    expect(fake.calls.map((call) => [call.method, call.token])).toEqual([
      ["auth.test", fake.token],
      ["apps.connections.open", "xapp-1-A0TRIAGE-1-abc"],
    ]);
    expect(fake.socket.connections).toHaveLength(0);
  });

  it("the fake speaks Slack's handshake: single-use ticket URL, hello with connection info, bot token refused", async () => {
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const open = async (token: string) =>
      (await (
        await fetch(`${fake.url}apps.connections.open`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { ok: boolean; url?: string; error?: string };
    expect(await open(fake.token)).toEqual({ ok: false, error: "not_allowed_token_type" });
    const opened = await open(fake.appToken);
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]{32}&app_id=A0TRIAGE$/);
    const ws = new WebSocket(opened.url as string);
    cleanup.push(async () => ws.terminate());
    const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once("message", (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
      ws.once("error", reject);
    });
    expect(hello).toMatchObject({
      type: "hello",
      num_connections: 1,
      connection_info: { app_id: "A0TRIAGE" },
      debug_info: { host: expect.any(String) },
    });
    // An envelope, then an ack with a payload, recorded with its latency.
    const next = new Promise<Record<string, unknown>>((resolve) =>
      ws.once("message", (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)),
    );
    const envelope = fake.socket.deliver("slash_commands", { command: "/triage", text: "help" });
    const received = await next;
    expect(received).toEqual({
      envelope_id: envelope.envelopeId,
      payload: { command: "/triage", text: "help" },
      type: "slash_commands",
      accepts_response_payload: true,
    });
    ws.send(JSON.stringify({ envelope_id: envelope.envelopeId, payload: { text: "Usage" } }));
    const ack = await fake.socket.waitForAck(envelope);
    expect(ack.payload).toEqual({ text: "Usage" });
    expect(ack.latencyMs).toBeLessThan(3000);
    // The ticket was used: connecting with it again is refused.
    const reused = new WebSocket(opened.url as string);
    const refused = await new Promise<string>((resolve) => {
      reused.once("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
      reused.once("error", (error) => resolve(error.message));
    });
    expect(refused).toMatch(/401/);
  });

  it("a command's reply travels in its ack's payload, as the HTTP response body would", async () => {
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const { slack } = await socketApp(fake, fake.appToken);
    await slack.start();
    cleanup.push(() => slack.stop());
    const help = fake.socket.deliver(
      "slash_commands",
      commandPayload({ text: "help", responseUrl: fake.responseUrl() }),
    );
    const invalid = fake.socket.deliver(
      "slash_commands",
      commandPayload({ text: "Not/A/Namespace", responseUrl: fake.responseUrl() }),
    );
    for (const envelope of [help, invalid]) {
      const ack = await fake.socket.waitForAck(envelope);
      expect(ack.latencyMs).toBeLessThan(3000);
      expect(ack.payload?.response_type).toBe("ephemeral");
    }
    expect(JSON.stringify(help.acks[0]?.payload)).toContain("/triage");
    expect(String(invalid.acks[0]?.payload?.text)).toMatch(/namespace/i);
    // Nothing was posted or started for either.
    expect(fake.callsOf("chat.postMessage")).toHaveLength(0);
  });

  it("a slash command delivered right before refresh_requested is answered exactly once, after the reconnect if need be", async () => {
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const { slack, producer } = await socketApp(fake, fake.appToken);
    await slack.start();
    cleanup.push(() => slack.stop());
    const socket = fake.socket;
    // The command and the disconnect go out back to back: the client starts closing before
    // its ack is sent, so the ack fails and Slack redelivers the command on the next link.
    const command = socket.deliver(
      "slash_commands",
      commandPayload({ text: "prod-api", responseUrl: fake.responseUrl() }),
    );
    socket.disconnect("refresh_requested");
    await socket.waitForConnections(2);
    const ack = await socket.waitForAck(command);
    expect(ack.latencyMs).toBeLessThan(3000);
    await waitFor(() => fake.transcript()[0]?.messages[0], "the investigation's parent");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(command.acks).toHaveLength(1);
    expect(fake.transcript()[0]?.messages).toHaveLength(1);
    expect(fake.callsOf("chat.delete")).toHaveLength(0);
    expect(fake.callsOf("response_url")).toHaveLength(0);
    expect(await producer.store.recent(10)).toHaveLength(1);
    // Which way it went: acked on the first link, or redelivered (retry_attempt 1) and acked on the second.
    const attempts = command.deliveries.map((delivery) => delivery.attempt);
    expect(attempts.length === 1 ? ack.connection : attempts).toEqual(attempts.length === 1 ? 1 : [0, 1]);
  }, 60_000);
});
