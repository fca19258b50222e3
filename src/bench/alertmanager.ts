import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { alertStorm } from "../dev/alert-storm.js";
import { FakeSlack } from "../dev/fake-slack.js";
import { ensureRedis } from "../dev/local-redis.js";
import { createLogger } from "../log.js";
import { startServeApp } from "../server/serve-app.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Answer time of `POST /alertmanager` for storms of 1,000 real-shaped alerts over 30 workloads
 * (about 1.35 MiB each), on the real serve process with Redis and the fake Slack Web API at the
 * default posting pace. Alertmanager gives a webhook 10 s; the target is an answer within 1 s,
 * which holds only because the groups are queued before any Slack post.
 */

const ALERTS = 1000;
const WORKLOADS = 30;
const TARGET_P99_MS = 1000;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function run(context: BenchContext): Promise<BenchSectionResult> {
  const redis = await ensureRedis({ log: context.progress });
  const fake = await new FakeSlack().start();
  const dir = mkdtempSync(join(tmpdir(), "bench-am-"));
  const token = randomBytes(16).toString("hex");
  const policyFile = join(dir, "policy.yaml");
  writeFileSync(
    policyFile,
    'namespaces: ["prod-*"]\nroutes: [{namespaces: ["prod-*"], channel: C0BENCHAM}]\n',
  );
  const env = parseEnv({
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: "bench-signing-secret-0123456789ab",
    SLACK_API_URL: fake.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `bench-am-${randomBytes(4).toString("hex")}`,
    ALERTMANAGER_WEBHOOK_TOKEN: token,
    TRIAGE_POLICY_FILE: policyFile,
  });
  const serve = await startServeApp({
    env,
    policy: loadPolicy(policyFile),
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({}, () => {}, "silent"),
  });
  const url = `http://127.0.0.1:${serve.port}/alertmanager`;
  const deliveries = context.quick ? 5 : 20;
  try {
    const bodies = Array.from({ length: deliveries + 1 }, (_, i) =>
      JSON.stringify(alertStorm({ alerts: ALERTS, workloads: WORKLOADS, groupKey: `bench-${i}` })),
    );
    const bytes = bodies[0]?.length ?? 0;
    context.progress(
      `alertmanager: ${deliveries} deliveries of ${ALERTS} alerts (${(bytes / 2 ** 20).toFixed(2)} MiB)`,
    );
    const send = async (body: string) => {
      const started = performance.now();
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`alertmanager webhook answered ${response.status}`);
      return performance.now() - started;
    };
    await send(bodies[deliveries] as string); // warm-up, unmeasured
    const samples: number[] = [];
    for (let i = 0; i < deliveries; i++) samples.push(await send(bodies[i] as string));
    const posted = fake.callsOf("chat.postMessage").length;
    const sorted = [...samples].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const row: BenchRow = {
      case: `${ALERTS} alerts / ${WORKLOADS} workloads (${(bytes / 2 ** 20).toFixed(2)} MiB)`,
      deliveries,
      "p50 ms": Number(percentile(sorted, 50).toFixed(1)),
      "p99 ms": Number(p99.toFixed(1)),
      "max ms": Number((sorted.at(-1) ?? 0).toFixed(1)),
      "posted when last answered": posted,
    };
    return {
      rows: [row],
      figures: {
        alerts: ALERTS,
        workloads: WORKLOADS,
        bytes,
        deliveries,
        p50Ms: row["p50 ms"],
        p99Ms: p99,
        posted,
      },
      checks: [
        {
          name: `Alertmanager webhook answer p99 under ${TARGET_P99_MS} ms for ${ALERTS} alerts`,
          ok: p99 < TARGET_P99_MS,
          detail: `p99 ${p99.toFixed(1)} ms; ${posted} Slack posts had been made when the last answer came (the rest follow at Slack's pace)`,
        },
      ],
    };
  } finally {
    // Queued groups would be posted for minutes at Slack's pace: drop them, then stop.
    await serve.redis
      .keys(`${env.QUEUE_PREFIX}:*`)
      .then((keys) => (keys.length ? serve.redis.del(...keys) : 0))
      .catch(() => undefined);
    await serve.stop();
    await fake.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const section: BenchSection = {
  name: "alertmanager",
  describe: "answer time of POST /alertmanager for 1,000-alert storms (real serve process, Redis)",
  run,
};
export default section;
