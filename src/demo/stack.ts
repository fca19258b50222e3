import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { replayScript } from "../agent/eval/replay.js";
import { type Env, parseEnv } from "../config/env.js";
import { loadPolicy, type Policy } from "../config/policy.js";
import { type FakeAnthropic, startFakeAnthropic } from "../dev/fake-anthropic.js";
import { FakeSlack } from "../dev/fake-slack.js";
import { ensureRedis, type LocalRedis } from "../dev/local-redis.js";
import { SlackSender } from "../dev/slack-requests.js";
import { createLogger, type Logger, type LogLevel } from "../log.js";
import { defaultPipelineDeps } from "../queue/default-deps.js";
import { type PipelineWorkers, startPipelineWorkers } from "../queue/worker.js";
import { type ServeApp, startServeApp } from "../server/serve-app.js";
import { type SimCluster, startSimCluster } from "../sim/index.js";
import { combinedScenarioState, DEMO_SCENARIOS } from "./cluster.js";

/** The demo's Slack people and channels (ids as Slack would spell them). */
export const DEMO_SLACK = {
  opsChannel: "C0OPS",
  incidentChannel: "C0INCIDENTS",
  approver: "U0ALICE",
  /** Not in the policy: the bot refuses this user's click. */
  bystander: "U0MALLORY",
} as const;

/**
 * The policy the demo runs with, written to a temp file and loaded like TRIAGE_POLICY_FILE:
 * alerts for a-team go to the incident channel, Alice may approve in a-team and prod-*, and a
 * short settle window keeps validation quick on the simulated clock.
 */
export const DEMO_POLICY = `# k8s-triage demo policy
namespaces: ["*"]
incidentChannels: ["${DEMO_SLACK.incidentChannel}"]
routes:
  - {namespaces: ["a-team"], channel: "${DEMO_SLACK.incidentChannel}", notifyOnStart: true, notifyOnComplete: true}
approvers:
  - {namespaces: ["a-team", "prod-*"], users: ["${DEMO_SLACK.approver}"]}
remediation:
  allowedActions: ["*"]
  maxRisk: medium
  approvalTtlMinutes: 30
  validationTimeoutSeconds: 600
  settleSeconds: 60
`;

/** Everything the demo runs, all on loopback. */
export interface DemoStack {
  redis: LocalRedis;
  sim: SimCluster;
  fake: FakeSlack;
  serve: ServeApp;
  workers: PipelineWorkers;
  env: Env;
  policy: Policy;
  /** Signs requests to the Bolt receiver as Slack would. */
  slack: SlackSender;
  /** Base URL of the serve process (Bolt, /alertmanager, /metrics). */
  serveUrl: string;
  /** The local fake Anthropic API, when the replay model runs. */
  model?: FakeAnthropic;
  /** Stops everything it started, in reverse order; idempotent. */
  close(): Promise<void>;
}

/** What the stack is started with. */
export interface DemoStackOptions {
  /** Log level of the bot's own JSON logs on stderr (default warn: the transcript is the output). */
  logLevel?: LogLevel;
  /** Progress lines (Redis started, …). */
  note?: (line: string) => void;
  /**
   * Run the Claude loop against the local fake Anthropic API replaying the eval's scripted
   * investigator (src/agent/eval/replay.ts) instead of the deterministic engine.
   */
  replayModel?: boolean;
}

/**
 * Validation polls the cluster and waits; on the simulated cluster a wait moves the simulated
 * clock (so pods start, volumes bind) and yields a little real time so the transcript breathes.
 */
function simulatedSleep(sim: SimCluster): (ms: number) => Promise<void> {
  return async (ms) => {
    sim.clock.advance(ms);
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(Math.round(ms / 200), 250)));
  };
}

/** Deletes every key matching `pattern` (SCAN, so a big shared Redis is not blocked). */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

/** Starts Redis, the simulated cluster, the fake Slack Web API, the serve role and a worker. */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const note = options.note ?? (() => {});
  const logger: Logger = createLogger({ role: "demo" }, undefined, options.logLevel ?? "warn");
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      while (cleanup.length > 0) {
        try {
          await cleanup.pop()?.();
        } catch (error) {
          logger.warn("demo shutdown step failed", { error: String(error) });
        }
      }
    })();
    return closing;
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), "k8s-triage-demo-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const redis = await ensureRedis({ log: note });
    cleanup.push(() => redis.stop());
    const sim = await startSimCluster({
      state: combinedScenarioState(DEMO_SCENARIOS.map((s) => s.scenario)),
    });
    cleanup.push(() => sim.close());
    // Two identities, as in the Helm chart: analysis reads as `reader`, only the executor writes.
    const readerConfig = join(dir, "reader.kubeconfig");
    const executorConfig = join(dir, "executor.kubeconfig");
    await sim.writeKubeconfig(readerConfig, "reader");
    await sim.writeKubeconfig(executorConfig, "executor");
    const policyFile = join(dir, "policy.yaml");
    writeFileSync(policyFile, DEMO_POLICY);
    const policy = loadPolicy(policyFile);
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());

    let model: FakeAnthropic | undefined;
    if (options.replayModel) {
      model = await startFakeAnthropic({ script: replayScript() });
      cleanup.push(() => model?.close());
    }
    const signingSecret = randomBytes(16).toString("hex");
    const passThrough = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL"] as const;
    const env = parseEnv({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.url,
      REDIS_URL: redis.url,
      // A fresh prefix: a shared REDIS_URL never mixes the demo with anything else.
      QUEUE_PREFIX: `k8s-triage-demo-${randomBytes(4).toString("hex")}`,
      KUBECONFIG: readerConfig,
      EXECUTOR_KUBECONFIG: executorConfig,
      TRIAGE_POLICY_FILE: policyFile,
      ALERTMANAGER_WEBHOOK_TOKEN: randomBytes(16).toString("hex"),
      ...Object.fromEntries(
        passThrough.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
      ),
      ...(model ? { ANTHROPIC_API_KEY: "replay-model", ANTHROPIC_BASE_URL: model.url } : {}),
    });

    const workers = await startPipelineWorkers({
      redisUrl: redis.url,
      prefix: env.QUEUE_PREFIX,
      policy,
      deps: (runtime) =>
        defaultPipelineDeps(env, policy, runtime, {
          remediationClock: { now: () => sim.clock.nowMs() },
          remediationSleep: simulatedSleep(sim),
        }),
      concurrency: 2,
      retentionHours: 1,
      logger: logger.child({ role: "worker" }),
    });
    const prefix = env.QUEUE_PREFIX;
    cleanup.push(async () => {
      // On a shared REDIS_URL, leave nothing behind (a redis-server we started just goes away).
      if (!redis.started) await deleteKeys(workers.redis, `${prefix}:*`).catch(() => undefined);
      await workers.close(5000);
    });
    const serve = await startServeApp({
      env,
      policy,
      port: 0,
      host: "127.0.0.1",
      logger: logger.child({ role: "serve" }),
    });
    cleanup.push(() => serve.stop());
    const serveUrl = `http://127.0.0.1:${serve.port}`;
    return {
      redis,
      sim,
      fake,
      serve,
      workers,
      env,
      policy,
      slack: new SlackSender(`${serveUrl}/slack/events`, signingSecret),
      serveUrl,
      ...(model ? { model } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
