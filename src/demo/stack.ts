import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MultiClusterStore } from "../cluster/index.js";
import { type Env, parseEnv } from "../config/env.js";
import { loadPolicy, type Policy } from "../config/policy.js";
import { type FakeAnthropic, startFakeAnthropic } from "../dev/fake-anthropic.js";
import { FakeSlack } from "../dev/fake-slack.js";
import { ensureRedis, type LocalRedis } from "../dev/local-redis.js";
import { SlackSender } from "../dev/slack-requests.js";
import { replayScript } from "../eval/index.js";
import { createLogger, type Logger, type LogLevel } from "../log.js";
import { deleteMatching } from "../queue/scan-keys.js";
import type { PipelineWorkers } from "../queue/worker.js";
import { type ServeApp, startServeApp } from "../server/serve-app.js";
import type { SimCluster } from "../sim/index.js";
import { DEMO_CLUSTERS, type DemoCluster, HOME_CLUSTER, startDemoClusters } from "./agents.js";

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
 * alerts for a-team go to the incident channel, Alice may approve in a-team and prod-*, #ops'
 * `/triage` goes to eu-1 unless the command names a cluster, and a short settle window keeps
 * validation quick on the simulated clock.
 */
export const DEMO_POLICY = `# k8s-triage demo policy
namespaces: ["*"]
incidentChannels: ["${DEMO_SLACK.incidentChannel}"]
channels:
  - {channel: "${DEMO_SLACK.opsChannel}", cluster: "${HOME_CLUSTER}"}
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
  /** Every simulated cluster and its agent, in {@link DEMO_CLUSTERS} order. */
  clusters: DemoCluster[];
  /** The home cluster's (eu-1) simulated API server: where the a-team fix is applied. */
  sim: SimCluster;
  fake: FakeSlack;
  /** The central role: Slack, the webhook, routing; it holds no cluster credentials. */
  serve: ServeApp;
  /** The home cluster's agent's workers. */
  workers: PipelineWorkers;
  /** Every cluster's investigation records as one store: serve's own view (what the script waits on). */
  store: MultiClusterStore;
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
   * investigator (src/eval/replay.ts) instead of the deterministic engine.
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

/** Starts Redis, the simulated clusters and their agents, the fake Slack Web API and the serve role. */
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
      CLUSTERS: DEMO_CLUSTERS.map((cluster) => cluster.name).join(","),
      TRIAGE_POLICY_FILE: policyFile,
      ALERTMANAGER_WEBHOOK_TOKEN: randomBytes(16).toString("hex"),
      ...Object.fromEntries(
        passThrough.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
      ),
      ...(model ? { ANTHROPIC_API_KEY: "replay-model", ANTHROPIC_BASE_URL: model.url } : {}),
    });

    const clusters = await startDemoClusters({
      dir,
      central: env,
      policy,
      logger,
      sleepFor: simulatedSleep,
      onClose: (step) => cleanup.push(step),
    });
    const home = clusters[0] as DemoCluster;
    const prefix = env.QUEUE_PREFIX;
    cleanup.push(async () => {
      // On a shared REDIS_URL, leave nothing behind (a redis-server we started just goes away).
      if (!redis.started)
        await deleteMatching(home.agent.workers.redis, `${prefix}:*`).catch(() => undefined);
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
      clusters,
      sim: home.sim,
      fake,
      serve,
      workers: home.agent.workers,
      store: serve.clusters.store,
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
