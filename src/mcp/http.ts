import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { errorMessage } from "../errors.js";
import type { McpContext } from "./context.js";
import { createSessionServer, type SessionHub } from "./server.js";

/** Where and how the Streamable HTTP endpoint listens. */
export interface HttpOptions {
  /** Interface to bind; loopback unless the operator says otherwise. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Every request must carry `Authorization: Bearer <token>`. */
  token: string;
  /** Most sessions open at once (default 64). */
  maxSessions?: number;
  /** A session with no request or stream open for this long is closed (default 30 min). */
  idleMs?: number;
}

/** A listening HTTP endpoint. */
export interface HttpEndpoint {
  /** e.g. http://127.0.0.1:3333/mcp */
  url: string;
  address: AddressInfo;
  close(): Promise<void>;
}

/** The path of the MCP endpoint. */
export const MCP_PATH = "/mcp";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Constant-time comparison of the presented bearer token with the configured one. */
function authorized(request: IncomingMessage, expected: Buffer): boolean {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

function reply(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

interface Session {
  transport: StreamableHTTPServerTransport;
  /** Requests (and SSE streams) of this session still open. */
  open: number;
  lastSeen: number;
  close(): Promise<void>;
}

/** Counts a request against its session until the response ends, so streams keep it alive. */
function track(session: Session, response: ServerResponse): void {
  session.open++;
  session.lastSeen = Date.now();
  response.once("close", () => {
    session.open--;
    session.lastSeen = Date.now();
  });
}

/**
 * Serves MCP over Streamable HTTP at {@link MCP_PATH}: one session (server + transport) per
 * client, the bearer token checked on every request before anything else (401 otherwise).
 */
export async function startHttpEndpoint(
  context: McpContext,
  hub: SessionHub,
  options: HttpOptions,
): Promise<HttpEndpoint> {
  const expected = digest(options.token);
  const maxSessions = options.maxSessions ?? 64;
  const sessions = new Map<string, Session>();

  const openSession = async (): Promise<Session> => {
    const { server, detach } = createSessionServer(context, hub);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session);
      },
    });
    const session: Session = {
      transport,
      open: 0,
      lastSeen: Date.now(),
      async close() {
        detach();
        await server.close();
      },
    };
    transport.onclose = () => {
      detach();
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return session;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://mcp.invalid").pathname;
    if (!authorized(request, expected)) {
      reply(response, 401, "missing or wrong bearer token (Authorization: Bearer $MCP_AUTH_TOKEN)", {
        "WWW-Authenticate": 'Bearer realm="k8s-triage"',
      });
      return;
    }
    if (path !== MCP_PATH) {
      reply(response, 404, `not found: the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    const id = request.headers["mcp-session-id"];
    if (typeof id === "string") {
      const session = sessions.get(id);
      if (!session) {
        reply(response, 404, "unknown or closed session; initialize a new one");
        return;
      }
      track(session, response);
      await session.transport.handleRequest(request, response);
      return;
    }
    if (request.method !== "POST") {
      reply(response, 400, "no session: start with an initialize request (POST)");
      return;
    }
    if (sessions.size >= maxSessions) {
      reply(response, 503, `too many open sessions (${maxSessions}); close one first`);
      return;
    }
    const session = await openSession();
    track(session, response);
    await session.transport.handleRequest(request, response);
    // Not an initialize request: the transport refused it and no session was created.
    if (!session.transport.sessionId) await session.close();
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      context.log.warn("MCP HTTP request failed", { error: errorMessage(error) });
      if (!response.headersSent) reply(response, 500, "internal error");
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Clients that vanish without DELETE would otherwise hold their slot until the cap refuses all.
  const idleMs = options.idleMs ?? 30 * 60_000;
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions) {
        if (session.open > 0 || now - session.lastSeen < idleMs) continue;
        sessions.delete(id);
        void session.close().catch(() => undefined);
      }
    },
    Math.min(60_000, Math.max(1000, idleMs / 4)),
  );
  sweep.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${MCP_PATH}`,
    address,
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((session) => session.close().catch(() => undefined)));
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
