import type { ChildProcess } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { ensureRedis } from "../dev/local-redis.js";
import { SlackSender } from "../dev/slack-requests.js";
import { forkSibling } from "./fork.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Ack latency of `/triage`: the real Bolt HTTP receiver with signature verification, the real
 * queue on Redis, and the local fake Slack Web API; N concurrent correctly signed requests per
 * round, timed from send to the HTTP 200 Slack waits for (it gives up after 3 s). The app and the
 * fake Slack each run in their own process, so no process's work delays another's event loop.
 */

const SECRET = "bench-signing-secret";
const CONCURRENT = 50;
const TARGET_P99_MS = 100;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function round(send: SlackSender, responseUrl: string, texts: string[]): Promise<number[]> {
  return Promise.all(
    texts.map(async (text, i) => {
      const started = performance.now();
      // One channel per requester: Slack paces posts per channel, and so does the poster, so 50
      // requests in one channel would queue their parents for 50 s after the bench ends.
      const channel = `C0BENCH${i}`;
      const response = await send.command({ text, channel, responseUrl });
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

interface Forked<T> {
  info: T;
  stop(): Promise<void>;
}

/** Forks a bench helper (tsx from source, plain Node from dist/) and waits for the first IPC message it sends. */
async function forkHelper<T>(script: string, args: string[]): Promise<Forked<T>> {
  const child: ChildProcess = forkSibling(import.meta.url, script, args);
  const info = await new Promise<T>((resolve, reject) => {
    child.once("message", (value) => resolve(value as T));
    child.once("exit", (code) => reject(new Error(`${script} exited with code ${code} before serving`)));
  });
  return {
    info,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}

async function run(context: BenchContext): Promise<BenchSectionResult> {
  const redisServer = await ensureRedis({ log: context.progress });
  // Three processes: the load generator (here), the app, and the fake Slack, so none of them
  // delays another's event loop.
  const fake = await forkHelper<{ url: string; token: string; responseUrl: string }>(
    "./fake-slack-child",
    [],
  );
  try {
    const app = await forkHelper<{ port: number }>("./slack-ack-child", [
      redisServer.url,
      SECRET,
      fake.info.url,
      fake.info.token,
    ]);
    const served = { port: app.info.port, responseUrl: fake.info.responseUrl, stop: app.stop };
    const send = new SlackSender(`http://127.0.0.1:${served.port}/slack/events`, SECRET);
    const rounds = context.quick ? 2 : 6;
    context.progress(`slack-ack: warm-up, then ${rounds} rounds of ${CONCURRENT} concurrent /triage`);
    // Warm-up, unmeasured: JIT, connection pools and Redis script caches of both paths.
    await round(
      send,
      served.responseUrl,
      Array.from({ length: CONCURRENT }, (_, i) => `warm-${i}`),
    );
    await round(
      send,
      served.responseUrl,
      Array.from({ length: CONCURRENT }, () => "Not_A_Namespace"),
    );
    const sequential: number[] = [];
    for (let i = 0; i < CONCURRENT; i++)
      sequential.push(...(await round(send, served.responseUrl, [`seq-${i}`])));
    const investigate: number[] = [];
    const invalid: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Distinct namespaces, so every request starts an investigation and posts a parent.
      const texts = Array.from({ length: CONCURRENT }, (_, i) => `bench-${r}-${i} pods crash`);
      investigate.push(...(await round(send, served.responseUrl, texts)));
      invalid.push(
        ...(await round(
          send,
          served.responseUrl,
          Array.from({ length: CONCURRENT }, () => "Not_A_Namespace"),
        )),
      );
    }
    await served.stop();
    const sorted = [...investigate].sort((a, b) => a - b);
    const sortedInvalid = [...invalid].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    return {
      columns: ["case", "requests", "p50 ms", "p99 ms", "max ms"],
      rows: [
        row("/triage <ns>, one at a time", sequential),
        row(`${CONCURRENT} concurrent /triage <ns> (enqueue)`, investigate),
        row(`${CONCURRENT} concurrent invalid /triage (ephemeral usage)`, invalid),
      ],
      figures: {
        concurrent: CONCURRENT,
        rounds,
        triage: { p50Ms: percentile(sorted, 50), p99Ms: p99, maxMs: sorted.at(-1) ?? 0 },
        sequential: {
          p50Ms: percentile(
            [...sequential].sort((a, b) => a - b),
            50,
          ),
        },
        invalid: { p50Ms: percentile(sortedInvalid, 50), p99Ms: percentile(sortedInvalid, 99) },
        loadAverage: loadavg()[0],
      },
      checks: [
        {
          name: `/triage ack p99 under ${TARGET_P99_MS} ms at ${CONCURRENT} concurrent`,
          ok: p99 < TARGET_P99_MS,
          detail: `p99 ${p99.toFixed(1)} ms (1-min load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs)`,
        },
      ],
    };
  } finally {
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
