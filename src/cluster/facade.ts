import type { Investigation, ProposalRecord, Trigger } from "../domain/investigation.js";
import { InputError } from "../errors.js";
import type { Decision, DecisionPlace, DecisionResult, RefusalRecord } from "../queue/decisions.js";
import type { SubmitResult } from "../queue/producer.js";
import { DEFAULT_CLUSTER } from "../queue/scope.js";
import type { ClusterDirectory, ClusterScope } from "./directory.js";

/**
 * The central role's view of every cluster's store and queues as ONE store and ONE producer, so
 * the Slack listeners keep working on an investigation id or a button's token without knowing
 * the layout: ids and tokens are looked up in every known scope (they are random and unique), and
 * whatever follows — a decision, its remediation job, a refusal record — goes to the scope they
 * were found in, never to another one.
 */

/** The cluster an investigation belongs to (records without one are the default cluster's). */
export function investigationCluster(investigation: Pick<Investigation, "trigger">): string {
  return investigation.trigger.cluster ?? DEFAULT_CLUSTER;
}

/** Every cluster's investigation store behind the store interface the Slack app uses. */
export class MultiClusterStore {
  constructor(private readonly directory: ClusterDirectory) {}

  private async scopeOf(id: string): Promise<ClusterScope> {
    // Unknown ids go to the own scope, whose store answers "unknown or expired" as it always did.
    return (await this.directory.locate(id)) ?? this.directory.scope(this.directory.ownCluster);
  }

  async get(id: string): Promise<Investigation | undefined> {
    return (await this.scopeOf(id)).store.get(id);
  }

  /** Most recent first, across every known cluster. */
  async recent(limit = 20): Promise<Investigation[]> {
    const clusters = await this.directory.known();
    const lists = await Promise.all(
      clusters.map(async (cluster) => {
        const items = await this.directory.scope(cluster).store.recent(limit);
        for (const item of items) this.directory.remember(item.id, cluster);
        return items;
      }),
    );
    return lists
      .flat()
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, limit);
  }

  /** The newest investigation of the thread in any cluster (one GET per cluster, in parallel). */
  async findByThread(channel: string, threadTs: string): Promise<Investigation | undefined> {
    const clusters = await this.directory.known();
    const found = await Promise.all(
      clusters.map(async (cluster) => {
        const item = await this.directory.scope(cluster).store.findByThread(channel, threadTs);
        if (item) this.directory.remember(item.id, cluster);
        return item;
      }),
    );
    return found
      .filter((item): item is Investigation => item !== undefined)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  }

  /** The proposal of an approval token in whichever cluster holds it (tokens are unique). */
  async findByToken(
    token: string,
  ): Promise<{ investigation: Investigation; proposal: ProposalRecord; cluster: string } | undefined> {
    // In parallel: a click must be acked within Slack's 3 s however many clusters there are.
    const clusters = await this.directory.known();
    const found = await Promise.all(
      clusters.map((cluster) => this.directory.scope(cluster).store.findByToken(token)),
    );
    const index = found.findIndex((item) => item !== undefined);
    const hit = found[index];
    const cluster = clusters[index];
    if (!hit || cluster === undefined) return undefined;
    this.directory.remember(hit.investigation.id, cluster);
    return { ...hit, cluster };
  }

  async markNotified(investigationId: string, step: string): Promise<boolean> {
    return (await this.scopeOf(investigationId)).store.markNotified(investigationId, step);
  }

  async wasNotified(investigationId: string, step: string): Promise<boolean> {
    return (await this.scopeOf(investigationId)).store.wasNotified(investigationId, step);
  }

  async update(
    id: string,
    mutate: (current: Investigation) => Investigation | undefined,
  ): Promise<Investigation> {
    return (await this.scopeOf(id)).store.update(id, mutate);
  }
}

/** Every cluster's producer behind the producer interface the Slack app and webhook use. */
export class MultiClusterProducer {
  constructor(
    private readonly directory: ClusterDirectory,
    private readonly store: MultiClusterStore,
  ) {}

  /**
   * Submits to the trigger's cluster (the own cluster when it names none). A cluster that is not
   * known is refused with the known ones listed: nothing is enqueued where no agent will look.
   */
  async submitTrigger(trigger: Trigger): Promise<SubmitResult> {
    const cluster = trigger.cluster ?? this.directory.ownCluster;
    const known = await this.directory.known();
    if (!known.includes(cluster)) {
      throw new InputError(
        "UNKNOWN_CLUSTER",
        `cluster ${cluster} is not known (known: ${known.join(", ")}); nothing was started`,
      );
    }
    // Records of the default cluster stay as they always were (no cluster field).
    const { cluster: _named, ...unnamed } = trigger;
    const stamped: Trigger = cluster === DEFAULT_CLUSTER ? unnamed : { ...unnamed, cluster };
    const result = await this.directory.scope(cluster).producer.submitTrigger(stamped);
    this.directory.remember(result.investigation.id, cluster);
    return result;
  }

  /** Decides in the scope that holds the token; its approval is enqueued on that cluster only. */
  async decide(
    token: string,
    decision: Decision,
    actor: string,
    place?: DecisionPlace,
  ): Promise<DecisionResult> {
    const found = await this.store.findByToken(token);
    const scope = this.directory.scope(found?.cluster ?? this.directory.ownCluster);
    return scope.producer.decide(token, decision, actor, place);
  }

  async recordRefusal(refusal: RefusalRecord): Promise<void> {
    const scope =
      (await this.directory.locate(refusal.investigationId)) ??
      this.directory.scope(this.directory.ownCluster);
    await scope.producer.recordRefusal(refusal);
  }
}
