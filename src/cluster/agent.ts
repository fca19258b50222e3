import type { Policy } from "../config/policy.js";
import { ConfigError, errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import { log as defaultLog } from "../log.js";
import type { QueueKey } from "../queue/keys.js";
import { clusterNameProblem, scopePrefix } from "../queue/scope.js";
import { type PipelineWorkerOptions, type PipelineWorkers, startPipelineWorkers } from "../queue/worker.js";
import { type Heartbeat, startHeartbeat } from "./heartbeat.js";
import { policyForCluster } from "./policy-scope.js";
import { AgentRegistry, type AgentRole } from "./registry.js";

/** The role each consumed queue gives an agent in the registry. */
const QUEUE_ROLES: Record<QueueKey, AgentRole> = {
  investigations: "investigations",
  remediations: "remediations",
  followUps: "follow-ups",
  notifications: "notifications",
};

/** Every queue an agent may consume, in the order the CLI names them. */
export const ALL_QUEUES: readonly QueueKey[] = [
  "investigations",
  "remediations",
  "followUps",
  "notifications",
];

/** Throws a ConfigError unless `cluster` can name a scope. */
export function assertClusterName(cluster: string): void {
  const problem = clusterNameProblem(cluster);
  if (problem) throw new ConfigError("CLUSTER_NAME_INVALID", `${problem} (--cluster / CLUSTER_NAME)`);
}

/** Setup of one cluster agent's workers (in process: the worker command, the demo, tests). */
export interface ClusterAgentOptions extends Omit<PipelineWorkerOptions, "prefix" | "cluster" | "policy"> {
  cluster: string;
  /** `QUEUE_PREFIX`: the agent works under `scopePrefix(basePrefix, cluster)`. */
  basePrefix: string;
  /** The whole policy; the agent applies it as its cluster sees it (policyForCluster). */
  policy: Policy;
  /** Scopes as Redis Cluster hash tags (`{base:eu-1}`); the central serve must use the same. */
  hashTag?: boolean;
  /** Heartbeat tuning; false: do not register (tests of the legacy layout). */
  heartbeat?:
    | false
    | {
        intervalMs?: number;
        /** The namespaces this agent's identity sees (for routing by namespace). */
        namespaces?: () => Promise<string[] | undefined>;
        /** Extra roles this process has (the watcher). */
        extraRoles?: AgentRole[];
      };
}

/** A running cluster agent. */
export interface ClusterAgent {
  cluster: string;
  prefix: string;
  workers: PipelineWorkers;
  heartbeat?: Heartbeat;
  /** Marks the agent stopped in the registry, then stops the workers (see PipelineWorkers.close). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the workers of one cluster's agent on that cluster's scope, with its cluster name on
 * every job and triage, and registers it in the cluster's `agents` hash with a heartbeat.
 */
export async function startClusterAgent(options: ClusterAgentOptions): Promise<ClusterAgent> {
  assertClusterName(options.cluster);
  const scope = { hashTag: options.hashTag ?? false };
  const prefix = scopePrefix(options.basePrefix, options.cluster, scope);
  const policy = policyForCluster(options.policy, options.cluster);
  const { heartbeat: beatOptions, basePrefix: _base, hashTag: _tag, ...workerOptions } = options;
  const workers = await startPipelineWorkers({ ...workerOptions, prefix, policy, cluster: options.cluster });
  let heartbeat: Heartbeat | undefined;
  if (beatOptions !== false) {
    const queues = options.queues ?? ALL_QUEUES;
    heartbeat = await startHeartbeat({
      registry: new AgentRegistry(workers.redis, options.basePrefix, scope),
      cluster: options.cluster,
      roles: [...queues.map((key) => QUEUE_ROLES[key]), ...(beatOptions?.extraRoles ?? [])],
      ...(beatOptions?.namespaces ? { namespaces: beatOptions.namespaces } : {}),
      ...(beatOptions?.intervalMs ? { intervalMs: beatOptions.intervalMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  let closing: Promise<void> | undefined;
  return {
    cluster: options.cluster,
    prefix,
    workers,
    ...(heartbeat ? { heartbeat } : {}),
    close(graceMs) {
      closing ??= (async () => {
        await heartbeat?.stop();
        await workers.close(graceMs);
      })();
      return closing;
    },
  };
}

/** The namespaces a reader's identity can list, or undefined when it may not (RBAC) or fails. */
export function readerNamespaces(reader: ClusterReader): () => Promise<string[] | undefined> {
  // RBAC does not change under a running pod: after one refusal, stop asking (no 403 per minute).
  let forbidden = false;
  return async () => {
    if (forbidden) return undefined;
    try {
      const items = await reader.list("namespaces");
      return items.flatMap((item) => (item.metadata.name ? [item.metadata.name] : []));
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401 || status === 403) forbidden = true;
      defaultLog.debug("namespaces not listable for the heartbeat", { error: errorMessage(error), status });
      return undefined;
    }
  };
}
