import type { Policy } from "../config/policy.js";
import { DEFAULT_CLUSTER } from "../queue/scope.js";
import type { ClusterDirectory } from "./directory.js";
import { channelCluster, policyForCluster } from "./policy-scope.js";
import { type AgentHealth, type AgentRole, agentHealth } from "./registry.js";
import { type ClusterView, decideRoute, type RouteDecision, routeProblem } from "./routing.js";

/** Default of AGENT_OFFLINE_SECONDS. */
export const DEFAULT_AGENT_OFFLINE_SECONDS = 60;

/** One agent line of `/triage status`. */
export interface AgentStatusLine {
  cluster: string;
  id: string;
  host: string;
  roles: AgentRole[];
  version: string;
  lastSeen: string;
  health: AgentHealth;
  /** How many namespaces it sees (undefined: it cannot list them). */
  namespaces?: number;
}

/** What the router needs besides the directory. */
export interface RouterOptions {
  offlineSeconds?: number;
  clock?: () => Date;
}

/**
 * The central role's routing: which cluster a `/triage`, an @mention or an alert goes to, with
 * the policy as that cluster sees it. Reads the registry on every call (a few small Redis reads),
 * so an agent that just went away is noticed at the next request.
 */
export class ClusterRouter {
  readonly offlineSeconds: number;
  private readonly clock: () => Date;
  private readonly policies = new Map<string, Policy>();

  constructor(
    readonly directory: ClusterDirectory,
    readonly policy: Policy,
    options: RouterOptions = {},
  ) {
    this.offlineSeconds = options.offlineSeconds ?? DEFAULT_AGENT_OFFLINE_SECONDS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Every known cluster with its agents. */
  async views(): Promise<ClusterView[]> {
    const clusters = await this.directory.known();
    const now = this.clock();
    return Promise.all(
      clusters.map(async (cluster) => ({
        cluster,
        agents: await this.directory.registry.agents(cluster, now),
      })),
    );
  }

  /** The routing decision for a request from `channel` (or from no channel: alerts). */
  async decide(request: {
    namespace: string;
    cluster?: string;
    channel?: string;
    needs?: AgentRole;
  }): Promise<RouteDecision> {
    const channelDefault = request.channel ? channelCluster(this.policy, request.channel) : undefined;
    return decideRoute(
      {
        namespace: request.namespace,
        ...(request.cluster !== undefined ? { cluster: request.cluster } : {}),
        ...(channelDefault !== undefined && request.cluster === undefined ? { channelDefault } : {}),
        ...(request.needs ? { needs: request.needs } : {}),
      },
      await this.views(),
      { offlineSeconds: this.offlineSeconds, now: this.clock(), ownCluster: this.directory.ownCluster },
    );
  }

  /** {@link decide}, with a refusal in words (what the Slack listeners show). */
  async route(request: {
    namespace: string;
    cluster?: string;
    channel?: string;
    needs?: AgentRole;
    commandName?: string;
  }): Promise<{ ok: true; cluster: string } | { ok: false; problem: string; reason: string }> {
    const decision = await this.decide(request);
    if (decision.ok) return decision;
    return { ok: false, problem: routeProblem(decision, request.commandName), reason: decision.reason };
  }

  /** The policy as `cluster` sees it (memoized; the policy is loaded once per process). */
  policyFor(cluster: string = DEFAULT_CLUSTER): Policy {
    let scoped = this.policies.get(cluster);
    if (!scoped) {
      scoped = policyForCluster(this.policy, cluster);
      this.policies.set(cluster, scoped);
    }
    return scoped;
  }

  /**
   * True while the install is one cluster as before: only its own cluster is known (nothing is
   * configured and no other cluster's agent has registered). Labels naming other clusters are
   * then ignored instead of refused, as they always were.
   */
  async single(): Promise<boolean> {
    const known = await this.directory.known();
    return known.length === 1 && known[0] === this.directory.ownCluster;
  }

  /** Every registered agent with its health, by cluster then newest first. */
  async agents(): Promise<AgentStatusLine[]> {
    const now = this.clock();
    const views = await this.views();
    return views.flatMap((view) =>
      view.agents.map((agent) => ({
        cluster: view.cluster,
        id: agent.id,
        host: agent.host,
        roles: agent.roles,
        version: agent.version,
        lastSeen: agent.lastSeen,
        health: agentHealth(agent, now, this.offlineSeconds),
        ...(agent.namespaces ? { namespaces: agent.namespaces.length } : {}),
      })),
    );
  }
}
