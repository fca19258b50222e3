/**
 * One cluster agent replica as its own process, for the many-clusters tests: the real
 * `startClusterAgent` with the real pipeline deps (reader and executor kubeconfigs of a simulated
 * cluster, NOTIFY_VIA=queue: no Slack token, the central serve posts). While the key
 * `<QUEUE_PREFIX>:test:hold:<CLUSTER>` exists, the analysis announces itself
 * (`<QUEUE_PREFIX>:test:analyze-started`, "<investigation id> <pid>") and waits, so a test can
 * kill this replica mid-investigation.
 *
 * Env: REDIS_URL, QUEUE_PREFIX (the base prefix), CLUSTER, KUBECONFIG, EXECUTOR_KUBECONFIG,
 * TRIAGE_POLICY_FILE, LOCK_DURATION_MS, STALLED_INTERVAL_MS.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { readerNamespaces, startClusterAgent } from "../../src/cluster/index.js";
import { parseEnv } from "../../src/config/env.js";
import { loadPolicy } from "../../src/config/policy.js";
import { createClusterReader } from "../../src/k8s/kube-reader.js";
import { loadKubeConfig } from "../../src/k8s/kubeconfig.js";
import { defaultPipelineDeps } from "../../src/roles/pipeline-deps.js";

const cluster = process.env.CLUSTER as string;
const env = {
  ...parseEnv({ ...process.env, NOTIFY_VIA: "queue", SLACK_BOT_TOKEN: "" }),
  CLUSTER_NAME: cluster,
};
const policy = loadPolicy(env.TRIAGE_POLICY_FILE);
const redis = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
const hold = `${env.QUEUE_PREFIX}:test:hold:${cluster}`;
const namespaceReader = createClusterReader(loadKubeConfig({ kubeconfig: env.KUBECONFIG as string }));

const agent = await startClusterAgent({
  cluster,
  basePrefix: env.QUEUE_PREFIX,
  redisUrl: env.REDIS_URL as string,
  policy,
  queues: ["investigations", "remediations", "followUps"],
  concurrency: 2,
  retentionHours: 1,
  lockDuration: Number(process.env.LOCK_DURATION_MS ?? 30_000),
  stalledInterval: Number(process.env.STALLED_INTERVAL_MS ?? 15_000),
  heartbeat: { intervalMs: 500, namespaces: readerNamespaces(namespaceReader) },
  deps: (runtime) => {
    const deps = defaultPipelineDeps(env, policy, runtime);
    return {
      ...deps,
      analyze: async (input) => {
        if (await redis.exists(hold)) {
          await redis.rpush(
            `${env.QUEUE_PREFIX}:test:analyze-started`,
            `${input.investigation.id} ${process.pid}`,
          );
          while (await redis.exists(hold)) await sleep(25, undefined, { signal: input.signal });
        }
        return deps.analyze(input);
      },
    };
  },
});

const shutdown = async () => {
  await agent.close(5000);
  namespaceReader.close();
  await redis.quit();
  process.exit(0);
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
process.stdout.write("ready\n");
