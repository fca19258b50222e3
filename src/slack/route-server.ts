import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute } from "@slack/bolt";
import { closeAfter413 } from "./receiver.js";

/** A listening route server and the port it got. */
export interface RouteServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `/healthz`, `/readyz`, `/alertmanager`, `/metrics`… in Socket Mode, where no Slack
 * request arrives over HTTP. Bolt's Socket Mode route server listens on every interface and
 * does not tell which port it got; this one binds where it is told (loopback in tests and the
 * demo) and reports its port. Paths match exactly (these routes have no parameters).
 */
export async function startRouteServer(
  routes: CustomRoute[],
  options: { port: number; host?: string },
): Promise<RouteServer> {
  const server = createServer((req, res) => {
    closeAfter413(res);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const method = (req.method ?? "GET").toUpperCase();
    const onPath = routes.filter((route) => route.path === path);
    const route = onPath.find((item) =>
      (Array.isArray(item.method) ? item.method : [item.method]).some((m) => m.toUpperCase() === method),
    );
    if (route) {
      route.handler(Object.assign(req, { params: {} }), res);
      return;
    }
    req.resume();
    res.writeHead(onPath.length > 0 ? 405 : 404, { "content-type": "text/plain" });
    res.end(onPath.length > 0 ? "method not allowed\n" : "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (options.host) server.listen(options.port, options.host, resolve);
    else server.listen(options.port, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
