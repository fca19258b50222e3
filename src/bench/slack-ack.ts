import { randomUUID } from "node:crypto";
import { defaultPolicy } from "../config/policy.js";
import { FakeSlack } from "../dev/fake-slack.js";
import { ensureRedis } from "../dev/local-redis.js";
import { SlackSender } from "../dev/slack-requests.js";
import { createLogger } from "../log.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import { Producer } from "../queue/producer.js";
import { authorizeApprover } from "../remediation/gate.js";
import { createSlackApp } from "../slack/app.js";
import { redisOnceGuard } from "../slack/once.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Ack latency of `/triage`: the real Bolt HTTP receiver with signature verification, the real
 * queue on Redis, and the local fake Slack Web API; N concurrent correctly signed requests per
 * round, timed from send to the HTTP 200 Slack waits for (it gives up after 3 s).
 */

const SECRET = "bench-signing-secret";
const CONCURRENT = 50;
const TARGET_P99_MS = 100;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function round(send: SlackSender, fake: FakeSlack, texts: string[]): Promise<number[]> {
  return Promise.all(
    texts.map(async (text) => {
      const started = performance.now();
      const response = await send.command({ text, responseUrl: fake.responseUrl() });
      const elapsed = performance.now() - started;
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`/triage ${text}: HTTP ${response.status}`);
      return elapsed;
    }),
  );
}

function row(name: string, samples: number[]): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    case: name,
    requests: sorted.length,
    "p50 ms": Number(percentile(sorted, 50).toFixed(1)),
    "p99 ms": Number(percentile(sorted, 99).toFixed(1)),
    "max ms": Number((sorted.at(-1) ?? 0).toFixed(1)),
  };
}

async function run(context: BenchContext): Promise<BenchSectionResult> {
  const redisServer = await ensureRedis({ log: context.progress });
  const fake = await new FakeSlack().start();
  const redis = createProducerConnection(redisServer.url, "bench-slack");
  const prefix = `bench-slack-${randomUUID().slice(0, 8)}`;
  const producer = new Producer({ redis, prefix, retentionHours: 1 });
  try {
    await waitReady(redis);
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
      { botToken: fake.token, signingSecret: SECRET, apiUrl: fake.url, port: 0, host: "127.0.0.1" },
    );
    const { port } = await slack.start();
    const send = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET);
    const rounds = context.quick ? 2 : 6;
    context.progress(`slack-ack: warm-up, then ${rounds} rounds of ${CONCURRENT} concurrent /triage`);
    await round(send, fake, ["help", "warm-a", "warm-b"]);
    const investigate: number[] = [];
    const invalid: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Distinct namespaces, so every request starts an investigation and posts a parent.
      const texts = Array.from({ length: CONCURRENT }, (_, i) => `bench-${r}-${i} pods crash`);
      investigate.push(...(await round(send, fake, texts)));
      invalid.push(
        ...(await round(
          send,
          fake,
          Array.from({ length: CONCURRENT }, () => "Not_A_Namespace"),
        )),
      );
    }
    await slack.stop();
    const rows = [
      row(`${CONCURRENT} concurrent /triage <ns> (enqueue)`, investigate),
      row(`${CONCURRENT} concurrent invalid /triage (ephemeral usage)`, invalid),
    ];
    const sorted = [...investigate].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    return {
      columns: ["case", "requests", "p50 ms", "p99 ms", "max ms"],
      rows,
      figures: {
        concurrent: CONCURRENT,
        rounds,
        triage: { p50Ms: percentile(sorted, 50), p99Ms: p99, maxMs: sorted.at(-1) ?? 0 },
        invalid: {
          p50Ms: percentile(
            [...invalid].sort((a, b) => a - b),
            50,
          ),
          p99Ms: percentile(
            [...invalid].sort((a, b) => a - b),
            99,
          ),
        },
      },
      checks: [
        {
          name: `/triage ack p99 under ${TARGET_P99_MS} ms at ${CONCURRENT} concurrent`,
          ok: p99 < TARGET_P99_MS,
          detail: `p99 ${p99.toFixed(1)} ms`,
        },
      ],
    };
  } finally {
    await producer.close();
    await redis.quit();
    await fake.stop();
    await redisServer.stop();
  }
}

const section: BenchSection = {
  name: "slack-ack",
  describe: "ack latency of /triage on the real Bolt receiver (50 concurrent signed requests)",
  run,
};
export default section;
