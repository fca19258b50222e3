import { DEFAULT_CLUSTER } from "../queue/scope.js";
import { type AgentHeartbeat, type AgentRole, agentHealth } from "./registry.js";

/** One known cluster and its registered agents, as routing sees them. */
export interface ClusterView {
  cluster: string;
  agents: AgentHeartbeat[];
}

/** What is to be routed: a namespace, maybe an explicit cluster, the channel it came from. */
export interface RouteRequest {
  namespace: string;
  /** `--cluster eu-1`, `eu-1/prod-api`, or an alert's cluster label. */
  cluster?: string;
  /** The policy's default cluster for the channel, when it names one. */
  channelDefault?: string;
  /** The agent role the work needs (default investigations). */
  needs?: AgentRole;
}

/** Where the work goes, or why it goes nowhere. */
export type RouteDecision =
  | { ok: true; cluster: string }
  | { ok: false; reason: "unknown-cluster"; cluster: string; known: string[]; fromChannel?: boolean }
  | { ok: false; reason: "ambiguous"; namespace: string; clusters: string[] }
  | { ok: false; reason: "namespace-nowhere"; namespace: string; known: string[] }
  | { ok: false; reason: "offline"; cluster: string; since: string }
  | { ok: false; reason: "no-agent"; cluster: string };

/** Thresholds routing uses. */
export interface RouteOptions {
  /** An agent not seen for this long is offline (AGENT_OFFLINE_SECONDS). */
  offlineSeconds: number;
  now: Date;
  /**
   * The install's own cluster: with no agent registered at all it is accepted (an all-in-one
   * install whose workers run in process); default {@link DEFAULT_CLUSTER}.
   */
  ownCluster?: string;
}

/**
 * Picks the cluster of a request. Pure. In order: the explicit cluster (must be known); the
 * channel's default; the only known cluster; the one cluster whose agents see the namespace
 * (several → ambiguous; when none did, the clusters whose agents cannot list namespaces). Then the
 * chosen cluster must have an agent with the needed role beating within `offlineSeconds`.
 * The own cluster with no agent at all is an all-in-one install whose workers run in process
 * (or predate the registry): it is accepted as before.
 */
export function decideRoute(
  request: RouteRequest,
  views: readonly ClusterView[],
  options: RouteOptions,
): RouteDecision {
  const known = views.map((view) => view.cluster);
  let chosen: string | undefined;
  if (request.cluster !== undefined) {
    if (!known.includes(request.cluster))
      return { ok: false, reason: "unknown-cluster", cluster: request.cluster, known };
    chosen = request.cluster;
  } else if (request.channelDefault !== undefined) {
    if (!known.includes(request.channelDefault))
      return {
        ok: false,
        reason: "unknown-cluster",
        cluster: request.channelDefault,
        known,
        fromChannel: true,
      };
    chosen = request.channelDefault;
  } else if (views.length === 1) {
    chosen = known[0];
  } else {
    // Agents that listed the namespace win; agents that cannot list namespaces are the fallback.
    const listing = views.filter((view) => lists(view, request.namespace)).map((view) => view.cluster);
    const seeing =
      listing.length > 0 ? listing : views.filter((view) => blind(view)).map((view) => view.cluster);
    if (seeing.length > 1)
      return { ok: false, reason: "ambiguous", namespace: request.namespace, clusters: seeing };
    if (seeing.length === 0)
      return { ok: false, reason: "namespace-nowhere", namespace: request.namespace, known };
    chosen = seeing[0];
  }
  const cluster = chosen as string;
  const view = views.find((candidate) => candidate.cluster === cluster);
  const needs = request.needs ?? "investigations";
  const able = (view?.agents ?? []).filter((agent) => agent.roles.includes(needs));
  if (able.length === 0) {
    if (cluster === (options.ownCluster ?? DEFAULT_CLUSTER) && (view?.agents.length ?? 0) === 0)
      return { ok: true, cluster };
    return { ok: false, reason: "no-agent", cluster };
  }
  if (able.some((agent) => agentHealth(agent, options.now, options.offlineSeconds) === "online")) {
    return { ok: true, cluster };
  }
  const since = able
    .map((agent) => agent.lastSeen)
    .sort()
    .at(-1) as string;
  return { ok: false, reason: "offline", cluster, since };
}

/** True when some agent of the cluster listed `namespace` in its last heartbeat. */
function lists(view: ClusterView, namespace: string): boolean {
  return view.agents.some((agent) => agent.namespaces?.includes(namespace) === true);
}

/** True when no agent of the cluster could list namespaces (it may see any of them). */
function blind(view: ClusterView): boolean {
  return view.agents.length > 0 && view.agents.every((agent) => agent.namespaces === undefined);
}

/** The refusal in words for an ephemeral Slack reply (plain text; `since` as RFC 3339). */
export function routeProblem(
  decision: Exclude<RouteDecision, { ok: true }>,
  commandName = "/triage",
): string {
  switch (decision.reason) {
    case "unknown-cluster":
      return decision.fromChannel
        ? `This channel's default cluster ${decision.cluster} (policy \`channels\`) is not known. Known clusters: ${decision.known.join(", ")}. Nothing was started.`
        : `Unknown cluster ${decision.cluster}. Known clusters: ${decision.known.join(", ")}. Nothing was started.`;
    case "ambiguous":
      return `Namespace ${decision.namespace} exists in several clusters: ${decision.clusters.join(", ")}. Which one? Run ${decision.clusters
        .map((cluster) => `\`${commandName} ${decision.namespace} --cluster ${cluster}\``)
        .join(" or ")}. Nothing was started.`;
    case "namespace-nowhere":
      return `No cluster's agent sees namespace ${decision.namespace} (known clusters: ${decision.known.join(", ")}). Name one with \`${commandName} ${decision.namespace} --cluster NAME\`. Nothing was started.`;
    case "offline":
      return `Cluster ${decision.cluster}'s agent is offline since ${decision.since}. Nothing was started; check the agent's pods in ${decision.cluster} and try again.`;
    case "no-agent":
      return `No agent of cluster ${decision.cluster} is registered to investigate. Nothing was started; start its agent (\`k8s-triage worker --cluster ${decision.cluster}\`).`;
  }
}
