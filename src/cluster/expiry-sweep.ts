import type { InvestigationNotifier } from "../domain/investigation.js";
import { errorMessage } from "../errors.js";
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
  /**
   * Investigation id → cluster of expiries that did not reach Slack (the post failed after the
   * write), kept by the caller between sweeps: the next sweep announces them again.
   */
  unannounced?: Map<string, string>;
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

/** What one sweep did: what it expired, and the announcements that failed (retried next sweep). */
export interface SweepResult {
  swept: SweptExpiry[];
  failed: { cluster: string; investigationId: string; error: string }[];
}

/** One pass over every known cluster whose agent is offline. */
export async function sweepOfflineExpiries(options: ExpirySweepOptions): Promise<SweepResult> {
  const now = (options.clock ?? (() => new Date()))();
  const swept: SweptExpiry[] = [];
  const failed: SweepResult["failed"] = [];
  for (const cluster of await options.directory.known()) {
    if (await expiresItself(options, cluster, now)) continue;
    const scope = options.directory.scope(cluster);
    const retry = [...(options.unannounced ?? [])].filter(([, of]) => of === cluster).map(([id]) => id);
    const due = (await scope.store.recent(SWEEP_RECENT))
      .filter((record) =>
        record.proposals.some((proposal) => proposal.state === "pending" && isExpired(proposal, now)),
      )
      .map((record) => record.id);
    const ids = [...new Set([...retry, ...due])];
    if (ids.length === 0) continue;
    const notifier = options.notifierFor(cluster);
    for (const id of ids) {
      try {
        const { expired } = await expireDueProposals(
          {
            store: scope.store,
            audit: scope.producer.audit,
            now,
            notify: (investigation) => notifier.notify(investigation, { type: "status" }),
          },
          id,
        );
        options.unannounced?.delete(id);
        if (expired.length > 0) swept.push({ cluster, investigationId: id, expired });
      } catch (error) {
        // Written but not posted (Slack away): the next sweep posts it; the others go on now.
        options.unannounced?.set(id, cluster);
        failed.push({ cluster, investigationId: id, error: errorMessage(error) });
      }
    }
  }
  return { swept, failed };
}
