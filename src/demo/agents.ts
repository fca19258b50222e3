import { join } from "node:path";
import { type ClusterAgent, policyForCluster, startClusterAgent } from "../cluster/index.js";
import { type Env, parseEnv } from "../config/env.js";
import type { Policy } from "../config/policy.js";
import type { Logger } from "../log.js";
import { defaultPipelineDeps } from "../roles/index.js";
import { type SimCluster, startSimCluster } from "../sim/index.js";
import { combinedScenarioState } from "./cluster.js";

/**
 * The demo's clusters: two simulated API servers behind one Slack app, both with a `prod-api`
 * namespace in trouble; eu-1 also runs a-team's database without its volume claim. Each has its
 * own agent (worker roles under the cluster's scope, registered with a heartbeat) reading as its
 * cluster's `reader` and writing only as its cluster's `executor`, with no Slack token: its Slack
 * updates go through its notifications queue to the central serve.
 */
export const DEMO_CLUSTERS = [
  { name: "eu-1", scenarios: ["prod-api-outage", "a-team-missing-pvc"] },
  { name: "us-1", scenarios: ["prod-api-outage"] },
] as const;

/** The cluster the existing acts (prod-api by the channel's default, a-team's alert) run on. */
export const HOME_CLUSTER = DEMO_CLUSTERS[0].name;

/** One running demo cluster. */
export interface DemoCluster {
  name: string;
  sim: SimCluster;
  agent: ClusterAgent;
  /** The agent's environment (its kubeconfigs, CLUSTER_NAME, NOTIFY_VIA=queue). */
  env: Env;
}

/** What starting the clusters needs from the stack. */
export interface DemoClusterOptions {
  /** Temp directory for kubeconfigs. */
  dir: string;
  /** The central environment the agents share Redis, prefix and model settings with. */
  central: Env;
  policy: Policy;
  logger: Logger;
  /** Validation's sleep on a cluster's simulated clock. */
  sleepFor(sim: SimCluster): (ms: number) => Promise<void>;
  /** Registers a stop step (run in reverse order). */
  onClose(step: () => Promise<unknown>): void;
}

/** Starts every demo cluster: its simulated API server and its agent. */
export async function startDemoClusters(options: DemoClusterOptions): Promise<DemoCluster[]> {
  const clusters: DemoCluster[] = [];
  const { central } = options;
  for (const spec of DEMO_CLUSTERS) {
    const sim = await startSimCluster({ state: combinedScenarioState(spec.scenarios) });
    options.onClose(() => sim.close());
    // Two identities per cluster, as in the Helm chart: analysis reads as `reader`, only the executor writes.
    const readerConfig = join(options.dir, `${spec.name}-reader.kubeconfig`);
    const executorConfig = join(options.dir, `${spec.name}-executor.kubeconfig`);
    await sim.writeKubeconfig(readerConfig, "reader");
    await sim.writeKubeconfig(executorConfig, "executor");
    const env = parseEnv({
      REDIS_URL: central.REDIS_URL,
      QUEUE_PREFIX: central.QUEUE_PREFIX,
      TRIAGE_POLICY_FILE: central.TRIAGE_POLICY_FILE,
      KUBECONFIG: readerConfig,
      EXECUTOR_KUBECONFIG: executorConfig,
      CLUSTER_NAME: spec.name,
      NOTIFY_VIA: "queue",
      ...(central.ANTHROPIC_API_KEY ? { ANTHROPIC_API_KEY: central.ANTHROPIC_API_KEY } : {}),
      ...(central.ANTHROPIC_BASE_URL ? { ANTHROPIC_BASE_URL: central.ANTHROPIC_BASE_URL } : {}),
      ANTHROPIC_MODEL: central.ANTHROPIC_MODEL,
    });
    const policy = policyForCluster(options.policy, spec.name);
    const agent = await startClusterAgent({
      cluster: spec.name,
      basePrefix: central.QUEUE_PREFIX,
      redisUrl: central.REDIS_URL as string,
      policy: options.policy,
      deps: (runtime) =>
        defaultPipelineDeps(env, policy, runtime, {
          remediationClock: { now: () => sim.clock.nowMs() },
          remediationSleep: options.sleepFor(sim),
        }),
      // As the chart's agent runs them: not the notifications queue, which serve consumes.
      queues: ["investigations", "remediations", "followUps"],
      concurrency: 2,
      retentionHours: 1,
      logger: options.logger.child({ role: "agent", cluster: spec.name }),
    });
    options.onClose(() => agent.close(5000));
    clusters.push({ name: spec.name, sim, agent, env });
  }
  return clusters;
}
