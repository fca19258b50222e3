import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { log as defaultLog, type Logger } from "../log.js";
import type { MetricsRecorder } from "../metrics/registry.js";
import { QUEUE_NAMES } from "../queue/keys.js";
import { Producer } from "../queue/producer.js";
import { DEFAULT_CLUSTER, scopePrefix } from "../queue/scope.js";
import { settleStarts } from "../queue/settle.js";
import type { InvestigationStore } from "../queue/store.js";
import { AgentRegistry } from "./registry.js";

/** One cluster as the central role holds it: its scope's producer, store and follow-up queue. */
export interface ClusterScope {
  cluster: string;
  /** The scope's key prefix (`<base>` for the default cluster, `<base>:<cluster>` otherwise). */
  prefix: string;
  producer: Producer;
  store: InvestigationStore;
  /** The scope's follow-ups queue (@mention questions its agent answers). */
  followUps: Queue;
}

/** Setup of the central role's cluster map. */
export interface DirectoryOptions {
  /** A fail-fast connection (the central role may access every scope). */
  redis: Redis;
  /** `QUEUE_PREFIX`. */
  basePrefix: string;
  retentionHours: number;
  /** The install's own cluster (`CLUSTER_NAME`): the one used when no agent registered anywhere. */
  ownCluster?: string;
  /** Clusters named by configuration (`CLUSTERS`), known even before their agent registers. */
  configured?: readonly string[];
  /** Metrics of one cluster's scope (counters carry its `cluster` label). */
  metricsFor?: (cluster: string, prefix: string) => MetricsRecorder;
  logger?: Logger;
  clock?: () => Date;
  /** How long a discovery result is reused (default 2 s; every /triage would SCAN otherwise). */
  discoveryTtlMs?: number;
  /** Scopes as Redis Cluster hash tags (`{base:eu-1}`); agents must use the same. */
  hashTag?: boolean;
}

/**
 * The central role's map cluster → scope. Scopes are opened lazily, one Producer per cluster on
 * the shared connection; the set of known clusters is the configured list plus every cluster
 * with a registered agent, or just the install's own cluster when there is neither (an
 * all-in-one install whose workers predate heartbeats behaves exactly as before).
 */
export class ClusterDirectory {
  readonly registry: AgentRegistry;
  readonly ownCluster: string;
  readonly basePrefix: string;
  private readonly scopes = new Map<string, ClusterScope>();
  /** Investigation id → cluster, filled as ids are seen or located (ids are unique). */
  private readonly located = new Map<string, string>();
  private discovered: { at: number; clusters: string[] } | undefined;
  private readonly seen = new Set<string>();
  private readonly listeners: ((cluster: string) => void)[] = [];
  private readonly logger: Logger;

  constructor(private readonly options: DirectoryOptions) {
    this.registry = new AgentRegistry(options.redis, options.basePrefix, {
      hashTag: options.hashTag ?? false,
    });
    this.ownCluster = options.ownCluster ?? DEFAULT_CLUSTER;
    this.basePrefix = options.basePrefix;
    this.logger = (options.logger ?? defaultLog).child({ component: "clusters" });
  }

  /** The scope of `cluster`, opened on first use. */
  scope(cluster: string): ClusterScope {
    const existing = this.scopes.get(cluster);
    if (existing) return existing;
    const prefix = scopePrefix(this.options.basePrefix, cluster, { hashTag: this.options.hashTag ?? false });
    const metrics = this.options.metricsFor?.(cluster, prefix);
    const producer = new Producer({
      redis: this.options.redis,
      prefix,
      retentionHours: this.options.retentionHours,
      logger: this.logger,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(metrics ? { metrics } : {}),
      ...(cluster === DEFAULT_CLUSTER ? {} : { cluster }),
    });
    const scope: ClusterScope = {
      cluster,
      prefix,
      producer,
      store: producer.store,
      followUps: new Queue(QUEUE_NAMES.followUps, { connection: this.options.redis, prefix }),
    };
    this.scopes.set(cluster, scope);
    return scope;
  }

  /** Scopes opened so far. */
  opened(): ClusterScope[] {
    return [...this.scopes.values()];
  }

  /** Configured ∪ discovered clusters, sorted; the own cluster alone when neither names any. */
  async known(): Promise<string[]> {
    const now = Date.now();
    const ttl = this.options.discoveryTtlMs ?? 2000;
    if (!this.discovered || now - this.discovered.at > ttl) {
      this.discovered = { at: now, clusters: await this.registry.discover() };
    }
    const all = new Set([...(this.options.configured ?? []), ...this.discovered.clusters]);
    if (all.size === 0) all.add(this.ownCluster);
    for (const cluster of all) {
      if (this.seen.has(cluster)) continue;
      this.seen.add(cluster);
      for (const listener of this.listeners) listener(cluster);
    }
    return [...all].sort();
  }

  /**
   * Calls `listener` for every cluster known now and each one that becomes known later (as soon
   * as a lookup discovers it), e.g. to start consuming its notifications queue at once.
   */
  onCluster(listener: (cluster: string) => void): void {
    this.listeners.push(listener);
    for (const cluster of this.seen) listener(cluster);
  }

  /** Forgets the cached discovery (a test or a refresh loop that wants the truth now). */
  invalidate(): void {
    this.discovered = undefined;
  }

  /** Remembers which cluster an investigation lives in. */
  remember(investigationId: string, cluster: string): void {
    this.located.set(investigationId, cluster);
    if (this.located.size > 50_000) {
      const oldest = this.located.keys().next().value;
      if (oldest !== undefined) this.located.delete(oldest);
    }
  }

  /** The scope that holds investigation `id`, or undefined when no known scope has it. */
  async locate(id: string): Promise<ClusterScope | undefined> {
    const cached = this.located.get(id);
    if (cached) return this.scope(cached);
    const scopes = (await this.known()).map((cluster) => this.scope(cluster));
    const pipeline = this.options.redis.pipeline();
    for (const scope of scopes) pipeline.exists(scope.store.keys.investigation(id));
    const results = (await pipeline.exec()) ?? [];
    const index = results.findIndex(([error, value]) => !error && value === 1);
    const found = index >= 0 ? scopes[index] : undefined;
    if (found) this.remember(id, found.cluster);
    return found;
  }

  /** Closes every scope's queues (the connection belongs to the caller). */
  async close(): Promise<void> {
    await settleStarts(this.opened().map((scope) => scope.followUps));
    await Promise.allSettled(
      this.opened().flatMap((scope) => [scope.producer.close(), scope.followUps.close()]),
    );
  }
}
