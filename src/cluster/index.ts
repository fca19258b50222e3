/**
 * Many clusters behind one Slack app: per-cluster Redis scopes (see queue/scope.ts), the agent
 * registry and heartbeats, the central role's cluster directory and its one-store/one-producer
 * view over every scope, routing of requests to a cluster, and the policy as one cluster sees it.
 *
 * Central (`serve`) holds a {@link ClusterDirectory} and a {@link ClusterRouter}; each cluster's
 * agent (`worker|watcher --cluster NAME`) runs {@link startClusterAgent} on its own scope.
 */

export {
  CLUSTER_NAME_PATTERN,
  clusterNameProblem,
  DEFAULT_CLUSTER,
  RESERVED_CLUSTER_NAMES,
  scopePrefix,
} from "../queue/scope.js";
export {
  ALL_QUEUES,
  assertClusterName,
  type ClusterAgent,
  type ClusterAgentOptions,
  readerNamespaces,
  startClusterAgent,
} from "./agent.js";
export { ClusterDirectory, type ClusterScope, type DirectoryOptions } from "./directory.js";
export {
  type ExpirySweepOptions,
  SWEEP_RECENT,
  type SweepResult,
  type SweptExpiry,
  sweepOfflineExpiries,
} from "./expiry-sweep.js";
export { investigationCluster, MultiClusterProducer, MultiClusterStore } from "./facade.js";
export {
  DEFAULT_HEARTBEAT_MS,
  type Heartbeat,
  type HeartbeatOptions,
  packageVersion,
  startHeartbeat,
} from "./heartbeat.js";
export { channelCluster, policyForCluster } from "./policy-scope.js";
export {
  type AgentHealth,
  type AgentHeartbeat,
  AgentRegistry,
  type AgentRole,
  agentHealth,
  FORGET_AFTER_MS,
} from "./registry.js";
export {
  type AgentStatusLine,
  ClusterRouter,
  DEFAULT_AGENT_OFFLINE_SECONDS,
  type RouterOptions,
} from "./router.js";
export {
  type ClusterView,
  decideRoute,
  type RouteDecision,
  type RouteRequest,
  routeProblem,
} from "./routing.js";
