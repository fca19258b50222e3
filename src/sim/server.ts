import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { log } from "../log.js";
import { type Reply, type ResourceRequest, type SimContext, STREAMED } from "./http/context.js";
import { discoveryDocument, SIM_VERSION } from "./http/discovery.js";
import { dispatchResource, verbOf } from "./http/dispatch.js";
import { healthReply } from "./http/health.js";
import { negotiate } from "./http/negotiate.js";
import { parseRoute } from "./http/route.js";
import type { Identity } from "./identities.js";
import type { RecordedRequest } from "./requests.js";
import {
  ApiError,
  badRequest,
  forbiddenPath,
  internal,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from "./status.js";
import type { ServingCertificate } from "./tls.js";

/**
 * The simulated kube-apiserver's HTTP front: authentication by bearer token, discovery, health
 * and version, the resource API, the /sim control endpoints, and the request record.
 */

/** What the /sim/* control endpoints operate on. */
export interface SimControl {
  requests(): RecordedRequest[];
  clearRequests(): void;
  advance(ms: number): void;
  exportState(style: "yaml" | "json"): string;
}

/** Everything the HTTP server needs. */
export interface SimServerOptions {
  context: SimContext;
  identities: Identity[];
  control: SimControl;
  record(request: RecordedRequest): void;
  /** Serve HTTPS with this certificate (kubectl sends tokens only over TLS). */
  tls?: ServingCertificate;
}

const ANONYMOUS = "system:anonymous";

function write(response: ServerResponse, reply: Reply): void {
  const body = reply.raw ?? JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "Content-Type": reply.contentType ?? "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-cache, private",
  });
  response.end(body);
}

function controlReply(
  path: string,
  method: string,
  url: URL,
  control: SimControl,
  context: SimContext,
): Reply {
  if (path === "/sim/requests" && method === "GET")
    return { status: 200, body: { items: control.requests() } };
  if (path === "/sim/requests" && method === "DELETE") {
    control.clearRequests();
    return { status: 200, body: { cleared: true } };
  }
  if (path === "/sim/advance" && method === "POST") {
    const seconds = Number(url.searchParams.get("seconds") ?? "NaN");
    if (!Number.isFinite(seconds) || seconds < 0) throw badRequest("seconds must be a non-negative number");
    control.advance(seconds * 1000);
    return { status: 200, body: { now: context.clock.now() } };
  }
  if (path === "/sim/clock" && method === "GET") return { status: 200, body: { now: context.clock.now() } };
  if (path === "/sim/state" && method === "GET") {
    const style = url.searchParams.get("style") === "json" ? "json" : "yaml";
    return { status: 200, raw: control.exportState(style), contentType: "application/yaml" };
  }
  if (["/sim/requests", "/sim/advance", "/sim/clock", "/sim/state"].includes(path)) throw methodNotAllowed();
  throw pathNotFound();
}

/** Creates the HTTP server; `closeWatches` ends every open watch (call before closing). */
export function createSimServer(options: SimServerOptions): { server: Server; closeWatches(): void } {
  const { context, control } = options;
  const byToken = new Map(options.identities.map((identity) => [identity.token, identity]));
  const watches = new Set<() => void>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://sim.invalid");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const authorization = request.headers.authorization;
    const token = /^bearer /i.test(authorization ?? "") ? authorization!.slice(7).trim() : undefined;
    const identity = token === undefined ? undefined : byToken.get(token);
    const record: RecordedRequest = {
      method,
      path,
      query,
      identity: identity?.name ?? ANONYMOUS,
      verb: method.toLowerCase(),
      dryRun: query.dryRun === "All",
      status: 0,
      at: context.clock.now(),
      wallTime: new Date().toISOString(),
    };
    let recorded = false;
    const finish = (status: number) => {
      if (recorded || path.startsWith("/sim/")) return;
      recorded = true;
      options.record({ ...record, status });
    };
    try {
      if (authorization !== undefined && !identity) throw unauthorized();
      const health = healthReply(path, url.searchParams, context.health);
      if (health || path === "/version") {
        const reply = health ?? { status: 200, body: SIM_VERSION };
        finish(reply.status);
        return write(response, reply);
      }
      if (!identity) throw unauthorized();
      if (path.startsWith("/sim/")) {
        if (!identity.simAdmin) throw forbiddenPath(identity.name, method.toLowerCase(), path);
        return write(response, controlReply(path, method, url, control, context));
      }
      if (path.startsWith("/openapi")) throw pathNotFound();
      const route = parseRoute(path);
      if (!route) throw pathNotFound();
      if (route.type !== "resource") {
        if (method !== "GET") throw methodNotAllowed();
        const document = discoveryDocument(
          route,
          request.headers.host ?? "127.0.0.1",
          context.metricsSource?.() !== undefined,
        );
        if (!document) throw pathNotFound();
        record.verb = "get";
        finish(200);
        return write(response, { status: 200, body: document });
      }
      const verb = verbOf(method, route, query);
      Object.assign(record, {
        verb,
        resource: route.spec.plural,
        group: route.spec.group,
        ...(route.subresource ? { subresource: route.subresource } : {}),
        ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
        ...(route.name !== undefined ? { name: route.name } : {}),
      });
      const resourceRequest: ResourceRequest = {
        request,
        response,
        url,
        query,
        identity,
        route,
        form: route.subresource === "log" ? "object" : negotiate(request.headers.accept),
        dryRun: query.dryRun === "All",
        finish,
      };
      record.form = resourceRequest.form;
      const reply = await dispatchResource(context, resourceRequest, verb, watches);
      if (reply === STREAMED) return;
      finish(reply.status);
      write(response, reply);
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : internal(error instanceof Error ? error.message : String(error));
      if (!(error instanceof ApiError))
        log.error("simulated API server failed a request", { path, method, error });
      finish(apiError.code);
      if (response.headersSent) {
        response.end();
        return;
      }
      write(response, { status: apiError.code, body: apiError.status });
    }
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    // Clients date what they read by the server's Date header: send the simulated clock, so
    // events a scenario dates "10 minutes ago" look 10 minutes old to a live reader too.
    response.sendDate = false;
    response.setHeader("Date", new Date(context.clock.now()).toUTCString());
    void handle(request, response);
  };
  const server: Server = options.tls
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer(listener);
  return {
    server,
    closeWatches: () => {
      for (const stop of [...watches]) stop();
    },
  };
}
