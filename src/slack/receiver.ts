import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { type Logger as BoltLogger, type CustomRoute, HTTPReceiver } from "@slack/bolt";
import type { Logger } from "../log.js";

/**
 * Slack's replay window: a request whose X-Slack-Request-Timestamp is further than this from our
 * clock, in either direction, is refused. Bolt checks only the past side; a signed request dated
 * in the future would otherwise stay replayable for as long as its date lies ahead.
 */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/** Bolt's endpoint for slash commands, interactivity and the Events API. */
export const SLACK_EVENTS_PATH = "/slack/events";

export interface ReceiverOptions {
  signingSecret: string;
  port: number;
  customRoutes: CustomRoute[];
  boltLogger: BoltLogger;
  logger: Logger;
  /** The server's clock (tests move it). */
  now?: () => Date;
}

/**
 * How far a request's timestamp header lies from `now`, in seconds (positive: in the future);
 * undefined when the header is missing or not a number (Bolt's verification refuses those).
 */
export function timestampSkewSeconds(header: string | string[] | undefined, now: Date): number | undefined {
  if (typeof header !== "string" || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header) - Math.floor(now.getTime() / 1000);
}

/**
 * Every 413 on this server closes its connection: the refused body is left unread, so a
 * keep-alive client's next request on the same socket would otherwise wait behind it.
 */
export function closeAfter413(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (status === 413 && !res.headersSent) res.setHeader("connection", "close");
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
}

function refuse(req: IncomingMessage, res: ServerResponse, reason: string): void {
  // The body is not read: answer and close so it cannot stall the connection.
  res.writeHead(401, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`${reason}\n`);
  req.resume();
}

/** Wraps a request listener with the two-sided timestamp window and the 413 connection rule. */
export function guardListener(
  inner: RequestListener,
  options: { logger: Logger; now?: () => Date; paths?: readonly string[] },
): RequestListener {
  const paths = options.paths ?? [SLACK_EVENTS_PATH];
  return (req, res) => {
    closeAfter413(res);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "POST" && paths.includes(path)) {
      const skew = timestampSkewSeconds(
        req.headers["x-slack-request-timestamp"],
        options.now?.() ?? new Date(),
      );
      if (skew !== undefined && Math.abs(skew) > REQUEST_WINDOW_SECONDS) {
        const side = skew > 0 ? "in the future" : "in the past";
        options.logger.warn("refused a Slack request outside the timestamp window", {
          skewSeconds: skew,
          path,
        });
        refuse(
          req,
          res,
          `x-slack-request-timestamp is ${Math.abs(skew)} s ${side}; requests more than ${REQUEST_WINDOW_SECONDS} s from the server's clock are refused`,
        );
        return;
      }
    }
    inner(req, res);
  };
}

/** Bolt's HTTP receiver on /slack/events, with {@link guardListener} in front of it. */
export function createReceiver(options: ReceiverOptions): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    port: options.port,
    customRoutes: options.customRoutes,
    logger: options.boltLogger,
    endpoints: [SLACK_EVENTS_PATH],
  });
  receiver.requestListener = guardListener(receiver.requestListener, {
    logger: options.logger,
    ...(options.now ? { now: options.now } : {}),
  });
  return receiver;
}
