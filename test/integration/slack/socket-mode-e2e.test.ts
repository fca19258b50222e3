import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { parsePolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { actionPayload, commandPayload, eventPayload } from "../../../src/dev/slack-requests.js";
import { createLogger } from "../../../src/log.js";
import { startPipelineWorkers } from "../../../src/queue/worker.js";
import { defaultPipelineDeps } from "../../../src/roles/pipeline-deps.js";
import { startServeApp } from "../../../src/server/serve-app.js";
import { startSimCluster } from "../../../src/sim/index.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { waitFor } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const POLICY = parsePolicy(`
approvers:
  - namespaces: ["prod-*"]
    users: [U0BOB]
remediation: {maxRisk: medium, approvalTtlMinutes: 30, validationTimeoutSeconds: 5}
`);

/** Slack's Socket Mode deadline: an envelope not acked within 3 s counts as failed. */
const ACK_DEADLINE_MS = 3000;

const EXECUTION = /^\[default\] (Applied|Refused|Failed to apply) rollback/;

describe("Socket Mode end to end on the simulated cluster (no model)", () => {
  it("/triage → thread → Approve over the WebSocket, through a warning and a refresh_requested reconnect: nothing lost, nothing handled twice", async () => {
    const redisUrl = inject("redisUrl");
    const prefix = `sme2e-${randomUUID().slice(0, 8)}`;
    const sim = await startSimCluster({ scenario: "prod-api-outage" });
    cleanup.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), "slack-sm-e2e-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const kubeconfig = join(dir, "kubeconfig");
    await sim.writeKubeconfig(kubeconfig);
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const env = parseEnv({
      KUBECONFIG: kubeconfig,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
    });
    const logger = createLogger({}, () => {}, "silent");
    const workers = await startPipelineWorkers({
      redisUrl,
      prefix,
      deps: (runtime) => defaultPipelineDeps(env, POLICY, runtime),
      policy: POLICY,
      concurrency: 1,
      retentionHours: 1,
      logger,
    });
    cleanup.push(() => workers.close(5000));
    // The real serve role, as `k8s-triage serve` starts it with SLACK_APP_TOKEN set.
    const serve = await startServeApp({ env, policy: POLICY, port: 0, host: "127.0.0.1", logger });
    cleanup.push(() => serve.stop());
    const socket = fake.socket;

    // Connected through apps.connections.open with the app token; no HTTP request reaches the app.
    expect(socket.connections).toHaveLength(1);
    const opens = () => fake.callsOf("apps.connections.open");
    expect(opens().map((call) => [call.token, call.response.ok])).toEqual([[fake.appToken, true]]);
    // The routes listen where they are told (loopback here) on the port serve reports, and there
    // is no /slack/events: nothing from Slack comes in over HTTP, so no ingress is needed.
    expect(serve.port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${serve.port}/healthz`)).status).toBe(200);
    const events = await fetch(`http://127.0.0.1:${serve.port}/slack/events`, { method: "POST", body: "{}" });
    expect(events.status).toBe(404);

    // 1. The slash command arrives as a slash_commands envelope and is acked within 3 s.
    const command = socket.deliver(
      "slash_commands",
      commandPayload({ text: "prod-api", responseUrl: fake.responseUrl() }),
    );
    const commandAck = await socket.waitForAck(command);
    expect(commandAck.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const thread = () => fake.transcript()[0]?.messages[0];
    const parent = await waitFor(() => thread(), "the investigation's parent message");

    // 2. Slack warns that the connection goes away, and at once delivers an @mention in the thread
    //    on the link that is closing: it must reach the app once, on the new connection, and the
    //    cluster's worker answers it in the thread (serve holds no cluster credentials).
    socket.disconnect("warning");
    const mention = socket.deliver(
      "events_api",
      eventPayload(
        {
          type: "app_mention",
          user: "U0ALICE",
          text: "<@U0TRIAGEBOT> what changed before the outage?",
          ts: `${Math.floor(Date.now() / 1000)}.000200`,
          channel: "C0OPS",
          thread_ts: parent.ts,
          event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
        },
        `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
      ),
    );
    await socket.waitForConnections(2);
    expect(opens()).toHaveLength(2);
    // It went out on the closing link, whose client no longer acks; Slack redelivers it.
    const mentionAck = await socket.waitForAck(mention);
    expect(mentionAck.connection).toBe(2);
    expect(mention.deliveries.map((delivery) => [delivery.attempt, delivery.connection])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    const answer = await waitFor(
      () => thread()?.replies.find((reply) => reply.text.startsWith("Follow-up questions need the model")),
      "the answer to the mention",
    );
    // The worker's answer (serve's own fallback does not mention the workers).
    expect(answer.text).toContain("not set on the workers");

    // 3. The investigation finishes in the thread on the new connection.
    const proposals = await waitFor(
      () => {
        const replies = thread()?.replies.filter((reply) => / Fix \d \(/.test(reply.text)) ?? [];
        return replies.length === 2 ? replies : undefined;
      },
      "two proposals in the thread",
      60_000,
    );
    const rollback = proposals.find((reply) =>
      reply.text.includes("rollback on Deployment prod-api/payment-service"),
    );
    // The button value the app really built, from the recorded chat.postMessage.
    const posted = fake
      .callsOf("chat.postMessage")
      .find((call) => call.response.ts === rollback?.ts && call.response.ok === true);
    const value = JSON.stringify(posted?.params.blocks).match(
      /"action_id":"proposal\.approve","text":\{[^}]*\},"style":"primary","value":"([A-Za-z0-9_-]{32})"/,
    )?.[1];
    expect(value).toBeDefined();

    // 4. Bob clicks Approve. The app handles it, but its ack is lost on a link Slack is recycling:
    //    after refresh_requested, Slack redelivers the click (retry_attempt 1) on the new link.
    const click = socket.deliver(
      "interactive",
      actionPayload({
        actionId: APPROVE_ACTION_ID,
        value: value as string,
        user: "U0BOB",
        channel: "C0OPS",
        messageTs: rollback?.ts as string,
        threadTs: parent.ts,
        responseUrl: fake.responseUrl(),
      }),
      { ackLost: true },
    );
    await waitFor(
      () => fake.callsOf("chat.update").some((call) => call.params.ts === rollback?.ts) || undefined,
      "the approved card re-rendered",
    );
    socket.disconnect("refresh_requested");
    await socket.waitForConnections(3);
    expect(opens()).toHaveLength(3);
    const redelivered = await socket.waitForAck(click);
    expect(click.deliveries.map((delivery) => [delivery.attempt, delivery.connection])).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(redelivered.connection).toBe(3);
    expect(redelivered.latencyMs).toBeLessThan(ACK_DEADLINE_MS);

    // 5. The remediation runs once and the card ends in the state that happened.
    await waitFor(
      () => thread()?.replies.find((reply) => EXECUTION.test(reply.text)),
      "the execution result in the thread",
      45_000,
    );
    const decided = await waitFor(() => {
      const card = JSON.stringify(fake.workspace.find("C0OPS", rollback?.ts as string)?.blocks);
      return /(Applied|Refused|Failed|Rolled back)[^"]*approved by <@U0BOB>/.test(card) ? card : undefined;
    }, "the card's final state");
    expect(decided).not.toContain('"actions"');
    // Give a second handling of the redelivered click time to show itself before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Exactly one investigation (one parent, never a duplicate posted and removed), one answer to
    // the mention, one execution, and Bob never told his own click was "already approved".
    const channel = fake.transcript()[0];
    expect(fake.transcript()).toHaveLength(1);
    expect(channel?.messages).toHaveLength(1);
    expect(fake.callsOf("chat.delete")).toHaveLength(0);
    expect(await serve.producer.store.recent(10)).toHaveLength(1);
    const replies = thread()?.replies ?? [];
    expect(replies.filter((reply) => reply.text.startsWith("Follow-up questions"))).toHaveLength(1);
    expect(replies.filter((reply) => EXECUTION.test(reply.text))).toHaveLength(1);
    // (Refusals reach the clicker through the response_url; the fake also files them as ephemerals.)
    const told = fake.workspace.ephemerals.map((item) => item.text);
    expect(told.filter((text) => /already/i.test(text))).toEqual([]);

    // Every envelope acked exactly once (as Slack saw it), each within 3 s of its delivery; only
    // the two whose first delivery went unacked (the mention on the closing link, the click whose
    // ack was lost) went past the deadline, and their redeliveries were acked in time.
    for (const envelope of socket.envelopes) {
      expect(envelope.acks, envelope.type).toHaveLength(1);
      expect(envelope.acks[0]?.latencyMs, envelope.type).toBeLessThan(ACK_DEADLINE_MS);
    }
    expect(socket.lateEnvelopes().map((envelope) => envelope.envelopeId)).toEqual([
      mention.envelopeId,
      click.envelopeId,
    ]);
    expect(command.deliveries).toHaveLength(1);
    expect(socket.envelopes.map((envelope) => envelope.type)).toEqual([
      "slash_commands",
      "events_api",
      "interactive",
    ]);
    // Three connections, the first two closed by the client after Slack's disconnect messages.
    expect(socket.connections.map((connection) => connection.closeCode)).toEqual([1000, 1000, undefined]);
  }, 150_000);
});
