/**
 * The read-only investigation tools as an MCP server (`k8s-triage mcp`): the agent's read tools,
 * `triage` and `explain_proposal`, and investigations as resources with subscriptions, over stdio
 * or Streamable HTTP. It holds the reader identity only; no tool writes.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Redis } from "ioredis";
import { DEFAULT_AGENT_CONFIG } from "../agent/config.js";
import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { Logger } from "../log.js";
import type { PrometheusClient } from "../prometheus/index.js";
import { InvestigationStore } from "../queue/store.js";
import type { McpContext } from "./context.js";
import { IncidentFeed } from "./incident-feed.js";
import { InvestigationCatalog } from "./investigations.js";
import { ResultScrubber } from "./results.js";
import { createSessionServer, SessionHub } from "./server.js";

export type { McpContext } from "./context.js";
export { type HttpEndpoint, type HttpOptions, MCP_PATH, startHttpEndpoint } from "./http.js";
export { INVESTIGATIONS_URI, investigationUri } from "./investigations.js";
export { SERVER_INFO } from "./server.js";

/** What the service needs: the reader identity, the policy, and optionally the Redis store. */
export interface McpServiceOptions {
  reader: ClusterReader;
  policy: Policy;
  log: Logger;
  /** The investigation store's Redis (REDIS_URL); without it only this server's own runs are listed. */
  redis?: Redis;
  prefix: string;
  retentionHours: number;
  /** How often the store is checked for new incidents (ms). */
  pollMs: number;
  resultTokenCap?: number;
  slackWorkspaceUrl?: string;
  now?: () => Date;
  /** PROMETHEUS_URL's client: the `prometheus_query` tool is offered when set. */
  prometheus?: PrometheusClient;
}

/** The shared part of every session: context, the session hub and the incident feed. */
export interface McpService {
  context: McpContext;
  hub: SessionHub;
  close(): Promise<void>;
}

/** Builds the context and starts listening for incidents in the store (when there is one). */
export async function startMcpService(options: McpServiceOptions): Promise<McpService> {
  const hub = new SessionHub();
  const store = options.redis
    ? new InvestigationStore(options.redis, {
        prefix: options.prefix,
        retentionHours: options.retentionHours,
      })
    : undefined;
  const context: McpContext = {
    reader: options.reader,
    policy: options.policy,
    scrubber: new ResultScrubber(options.reader),
    catalog: new InvestigationCatalog(store, {
      log: options.log,
      visible: (namespace) => anyGlob(options.policy.namespaces, namespace),
      ...(options.slackWorkspaceUrl ? { slackWorkspaceUrl: options.slackWorkspaceUrl } : {}),
    }),
    resultTokenCap: options.resultTokenCap ?? DEFAULT_AGENT_CONFIG.resultTokenCap,
    ...(options.slackWorkspaceUrl ? { slackWorkspaceUrl: options.slackWorkspaceUrl } : {}),
    log: options.log,
    now: options.now ?? (() => new Date()),
    announce: (event) => hub.emit(event),
    ...(options.prometheus ? { prometheus: options.prometheus } : {}),
  };
  const feed =
    store && options.redis
      ? new IncidentFeed({ store, redis: options.redis, pollMs: options.pollMs, log: options.log })
      : undefined;
  if (feed) {
    feed.onEvent((event) => hub.emit(event));
    await feed.start().catch((error: unknown) => {
      options.log.warn("incident notifications are off: the investigation store is unavailable", {
        error: errorMessage(error),
      });
    });
  }
  return {
    context,
    hub,
    async close() {
      await feed?.close();
    },
  };
}

/**
 * Serves one client on stdin/stdout until it disconnects (stdin ends). Nothing else may write to
 * stdout: logs go to stderr.
 */
export async function serveStdio(service: McpService): Promise<void> {
  const { server, detach } = createSessionServer(service.context, service.hub);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
  });
  await server.connect(transport);
  await closed;
  detach();
  await server.close().catch(() => undefined);
}
