import { Agent, request } from "node:http";

/** One answer over a raw node:http request (fetch hides the Connection header). */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A keep-alive client with a single socket: a second request reuses the first one's connection
 * unless the server closed it, which is what a proxy or Alertmanager's HTTP client does.
 */
export function keepAliveClient(base: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; idleMs?: number } = {},
  ) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const req = request(
        `${base}${path}`,
        { method: init.method ?? "POST", headers: init.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      // A connection that stalls (no answer at all) fails the request instead of hanging the test.
      req.setTimeout(init.idleMs ?? 10_000, () => req.destroy(new Error("no answer on this connection")));
      // The server may answer 413 and close before the whole body is written; that is fine.
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
      });
      req.end(init.body);
    });
  return { send, close: () => agent.destroy() };
}
