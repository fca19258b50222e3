import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  McpError,
  type ReadResourceResult,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { renderToolResult } from "../agent/result-text.js";
import { errorMessage } from "../errors.js";
import type { McpContext } from "./context.js";
import type { FeedEvent } from "./incident-feed.js";
import { INVESTIGATIONS_URI, investigationUri } from "./investigations.js";

/**
 * A client reads a resource on purpose (often the full record behind a compacted triage), so its
 * cap is wider than a tool result's, but still bounded.
 */
const RESOURCE_CAP_FACTOR = 16;

/** Resource bodies quote alert text, logs and events: scrubbed and wrapped like tool results. */
const RESOURCE_MIME = "text/plain";

function contents(uri: string, source: string, value: unknown, context: McpContext): ReadResourceResult {
  const text = renderToolResult(
    source,
    JSON.stringify(value, null, 2),
    context.resultTokenCap * RESOURCE_CAP_FACTOR,
    "Read one investigation's resource, or call triage on its namespace.",
    (body) => context.scrubber.scrub(body),
    // Records hold redacted snapshots and scrubbed trigger text (see views.ts).
    true,
  );
  return { contents: [{ uri, mimeType: RESOURCE_MIME, text }] };
}

/** What one session subscribed to, and how it hears about changes. */
export interface SessionResources {
  /** Forwards an investigation change to this session's client. */
  notify(event: FeedEvent): void;
}

/**
 * Registers the investigation resources on one session's server: `triage://investigations` (the
 * recent ones, newest first) and `triage://investigations/{id}` (one record with its triage, RCA
 * and proposals), plus resources/subscribe. A new investigation sends list_changed, and
 * resources/updated for `triage://investigations` to a client subscribed to it; a phase change
 * sends resources/updated for that investigation's URI.
 */
export function registerResources(server: McpServer, context: McpContext): SessionResources {
  const subscribed = new Set<string>();
  server.registerResource(
    "investigations",
    INVESTIGATIONS_URI,
    {
      title: "Recent investigations",
      description:
        "Recent incidents and triages (watcher, Alertmanager, Slack, and this server's own runs), newest first. Subscribe to be told when a new one opens.",
      mimeType: RESOURCE_MIME,
    },
    async (uri) => contents(uri.href, "investigations", await context.catalog.recent(), context),
  );
  server.registerResource(
    "investigation",
    new ResourceTemplate(`${INVESTIGATIONS_URI}/{id}`, {
      list: async () => ({
        resources: (await context.catalog.recent()).map((summary) => ({
          uri: summary.uri,
          name: summary.id,
          title: `${summary.namespace}: ${summary.headline ?? summary.status}`,
          mimeType: RESOURCE_MIME,
        })),
      }),
    }),
    {
      title: "Investigation",
      description: "One investigation: trigger, status, triage root causes, RCA and proposals (as data).",
      mimeType: RESOURCE_MIME,
    },
    async (uri, variables) => {
      const id = decodeURIComponent(String(variables.id ?? ""));
      const view = await context.catalog.view(id);
      if (view === undefined) {
        throw new McpError(ErrorCode.InvalidParams, `investigation ${id} is unknown or expired`);
      }
      return contents(uri.href, "investigation", view, context);
    },
  );
  const low = server.server;
  low.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  low.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  low.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const updated = (uri: string) => {
    if (!subscribed.has(uri) || !server.isConnected()) return;
    low.sendResourceUpdated({ uri }).catch((error: unknown) => {
      context.log.debug("resource update not delivered", { uri, error: errorMessage(error) });
    });
  };
  return {
    notify(event) {
      if (event.type === "created") server.sendResourceListChanged();
      updated(INVESTIGATIONS_URI);
      updated(investigationUri(event.id));
    },
  };
}
