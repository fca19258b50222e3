import { randomUUID } from "node:crypto";
import { defaultPolicy } from "../config/policy.js";
import { createLogger } from "../log.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import { Producer } from "../queue/producer.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp } from "../slack/app.js";
import { redisOnceGuard } from "../slack/once.js";

/**
 * The server side of the slack-ack bench, in its own process so the load generator does not share
 * its event loop: the real Bolt app, the real queue on Redis, and the fake Slack Web API.
 * The fake Slack Web API lives in the parent, like Slack itself would be elsewhere.
 * argv: <redis url> <signing secret> <Web API url> <bot token>. Sends {port} over IPC; exits on
 * disconnect.
 */
async function main(): Promise<void> {
  const [redisUrl, secret, apiUrl, token] = process.argv.slice(2);
  if (!redisUrl || !secret || !apiUrl || !token || !process.send) {
    throw new Error("usage: slack-ack-child <redis-url> <secret> <api-url> <token> (forked)");
  }
  const logger = createLogger({}, () => {}, "silent");
  const redis = createProducerConnection(redisUrl, "bench-slack");
  await waitReady(redis);
  const prefix = `bench-slack-${randomUUID().slice(0, 8)}`;
  const producer = new Producer({ redis, prefix, retentionHours: 1, logger });
  const slack = await createSlackApp(
    {
      store: producer.store,
      producer,
      policy: defaultPolicy(),
      authorize: authorizeApprover,
      once: redisOnceGuard(redis, prefix),
      clock: () => new Date(),
      logger,
      readiness: {},
    },
    { botToken: token, signingSecret: secret, apiUrl, port: 0, host: "127.0.0.1" },
  );
  const { port } = await slack.start();
  process.send({ port });
  process.once("disconnect", () => {
    void (async () => {
      await slack.stop();
      await producer.close();
      await redis.quit();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
