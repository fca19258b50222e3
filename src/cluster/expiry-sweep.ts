import type { InvestigationNotifier } from "../domain/investigation.js";
import { expireDueProposals } from "../queue/expire.js";
import { isExpired } from "../queue/tokens.js";
import type { ClusterDirectory } from "./directory.js";
import { agentHealth } from "./registry.js";

/**
 * Expiry of proposals, from central, for clusters whose agent is away. A proposal's window is
 * closed by a delayed job on its cluster's queue, which only that cluster's agent runs: while the
 * agent is offline the cards would keep live buttons past their window (a click was refused, but
 * the card did not say so). Central holds every scope's store and the Slack token, so it closes
 * those windows itself, exactly as the job does (compare-and-swap, audit, once-marks in the
 * cluster's store), and the agent's own job finds nothing left to do when it returns.
 */

/** How many of an offline cluster's most recent investigations one sweep reads. */
export const SWEEP_RECENT = 200;

/** What a sweep works with. */
export interface ExpirySweepOptions {
  directory: ClusterDirectory;
  /** The notifier that posts a cluster's updates (central's, per cluster). */
  notifierFor(cluster: string): InvestigationNotifier;
  /** `AGENT_OFFLINE_SECONDS`. */
  offlineSeconds: number;
  clock?: () => Date;
}

/** One investigation a sweep expired proposals of. */
export interface SweptExpiry {
  cluster: string;
  investigationId: string;
  expired: string[];
}

/** True when some agent of the cluster that runs its investigations queue (and so its expiry jobs) is online. */
async function expiresItself(options: ExpirySweepOptions, cluster: string, now: Date): Promise<boolean> {
  const agents = await options.directory.registry.agents(cluster, now);
  return agents.some(
    (agent) =>
      agent.roles.includes("investigations") && agentHealth(agent, now, options.offlineSeconds) === "online",
  );
}

/** One pass over every known cluster whose agent is offline; returns what it expired. */
export async function sweepOfflineExpiries(options: ExpirySweepOptions): Promise<SweptExpiry[]> {
  const now = (options.clock ?? (() => new Date()))();
  const swept: SweptExpiry[] = [];
  for (const cluster of await options.directory.known()) {
    if (await expiresItself(options, cluster, now)) continue;
    const scope = options.directory.scope(cluster);
    const due = (await scope.store.recent(SWEEP_RECENT)).filter((record) =>
      record.proposals.some((proposal) => proposal.state === "pending" && isExpired(proposal, now)),
    );
    if (due.length === 0) continue;
    const notifier = options.notifierFor(cluster);
    for (const record of due) {
      const { expired } = await expireDueProposals(
        {
          store: scope.store,
          audit: scope.producer.audit,
          now,
          // The same once-mark the agent's expiry job uses, in the same store.
          notify: async (investigation, step) => {
            if (await scope.store.wasNotified(investigation.id, step)) return;
            await notifier.notify(investigation, { type: "status" });
            await scope.store.markNotified(investigation.id, step);
          },
        },
        record.id,
      );
      if (expired.length > 0) swept.push({ cluster, investigationId: record.id, expired });
    }
  }
  return swept;
}
