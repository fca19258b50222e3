import type { Policy } from "../config/policy.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { Logger } from "../log.js";
import type { PrometheusClient } from "../prometheus/index.js";
import type { FeedEvent } from "./incident-feed.js";
import type { InvestigationCatalog } from "./investigations.js";
import type { ResultScrubber } from "./results.js";

/** Everything the MCP tools and resources share across sessions: one reader, one policy, one catalog. */
export interface McpContext {
  /** The read-only identity (KUBECONFIG / --context); the server holds no client that can write. */
  reader: ClusterReader;
  policy: Policy;
  scrubber: ResultScrubber;
  /** Investigations: the ones this server ran, plus the Redis store's when REDIS_URL is set. */
  catalog: InvestigationCatalog;
  /** Approximate token cap of one tool result (the agent's `resultTokenCap`). */
  resultTokenCap: number;
  /** Base URL of the Slack workspace (https://acme.slack.com), for links to approval threads. */
  slackWorkspaceUrl?: string;
  log: Logger;
  now: () => Date;
  /** The bounded PromQL client (PROMETHEUS_URL): offers the `prometheus_query` tool when set. */
  prometheus?: PrometheusClient;
  /** Tells every connected session about an investigation (the server's own triage runs). */
  announce(event: FeedEvent): void;
}
