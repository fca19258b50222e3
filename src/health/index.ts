import { createServer, type Server } from "node:http";
import { errorMessage } from "../errors.js";

/** A readiness check: resolves when the dependency is usable, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** Named checks for /readyz (e.g. redis). Each gets `checkTimeoutMs` to answer. */
  readiness?: Record<string, ReadinessCheck>;
  /** Prometheus text exposition for /metrics. */
  metrics?: () => Promise<string>;
  checkTimeoutMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

function withTimeout(check: ReadinessCheck, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Runs every readiness check; the report names each failing dependency and why. */
export async function runReadiness(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = 2000,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check, timeoutMs);
        return [name, "ok"] as const;
      } catch (error) {
        return [name, `failed: ${errorMessage(error)}`] as const;
      }
    }),
  );
  return { ready: entries.every(([, status]) => status === "ok"), checks: Object.fromEntries(entries) };
}

/**
 * /healthz (the process is alive), /readyz (its dependencies answer), /metrics (Prometheus) for
 * roles that have no other HTTP server (worker, executor, watcher); serve mounts the same routes.
 */
export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      response.end(body);
    };
    if (request.method !== "GET") return send(405, "text/plain", "method not allowed\n");
    if (path === "/healthz" || path === "/livez") return send(200, "text/plain", "ok\n");
    if (path === "/readyz") {
      runReadiness(options.readiness ?? {}, options.checkTimeoutMs).then(
        (report) => send(report.ready ? 200 : 503, "application/json", `${JSON.stringify(report)}\n`),
        (error: unknown) => send(503, "text/plain", `readiness failed: ${errorMessage(error)}\n`),
      );
      return;
    }
    if (path === "/metrics" && options.metrics) {
      options.metrics().then(
        (text) => send(200, "text/plain; version=0.0.4; charset=utf-8", text),
        (error: unknown) => send(503, "text/plain", `metrics unavailable: ${errorMessage(error)}\n`),
      );
      return;
    }
    send(404, "text/plain", "not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
