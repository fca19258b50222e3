import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { OnceGuard } from "./deps.js";

/**
 * The id that stays the same when Slack delivers one slash command or interaction again:
 * `trigger_id` is minted once per user action. Events are not covered here: their listeners
 * already drop redeliveries by `event_id`.
 */
export function redeliveryKey(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const fields = body as { type?: unknown; command?: unknown; trigger_id?: unknown };
  if (typeof fields.trigger_id !== "string" || fields.trigger_id === "") return undefined;
  if (typeof fields.command === "string") return `command:${fields.trigger_id}`;
  if (fields.type === "block_actions" || fields.type === "view_submission" || fields.type === "shortcut")
    return `${fields.type}:${fields.trigger_id}`;
  return undefined;
}

/**
 * Socket Mode's send errors: the ack never left, so Slack will deliver the envelope again and
 * that delivery must be handled (not dropped as a duplicate).
 */
export function isUnsentAck(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    code === "slack_socket_mode_send_while_not_ready_error" ||
    code === "slack_socket_mode_send_while_disconnected_error" ||
    code === "slack_socket_mode_websocket_error"
  );
}

export interface RedeliveryOptions {
  once: OnceGuard;
  logger: Logger;
  /** How long a delivery is remembered. */
  ttlSeconds: number;
  /**
   * How long the claim may take before the request is handled anyway (default 1000 ms): the
   * check runs before the listener's ack, which Slack wants within 3 s.
   */
  claimTimeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Global middleware: a slash command or click Slack delivers again is acked and dropped. Slack
 * redelivers an envelope whose ack it did not see (in Socket Mode, on the next connection after
 * a `disconnect`), even when the app had already handled it; handling it twice would post a
 * second parent, or tell an approver that their own click was "already approved". The first
 * delivery claims its trigger_id in Redis (shared by every `serve` replica); when its ack could
 * not be sent at all, the claim is released so the redelivery is handled instead of lost.
 */
export function dropRedeliveries(options: RedeliveryOptions): Middleware<AnyMiddlewareArgs> {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const key = redeliveryKey(args.body);
    if (!key) return args.next();
    const claim = `slack-delivery:${key}`;
    let first = true;
    try {
      first = await withTimeout(
        options.once.claim(claim, options.ttlSeconds),
        options.claimTimeoutMs ?? 1000,
      );
    } catch (error) {
      // Redis is down or slow: handling a possible duplicate beats dropping a user's command.
      options.logger.warn("cannot check for a Slack redelivery; handling it", { error: errorMessage(error) });
    }
    if (!first) {
      options.logger.info("dropping a redelivered Slack request", {
        key,
        retryNum: args.context.retryNum,
        retryReason: args.context.retryReason,
      });
      // Slack still needs the ack, or it keeps retrying and shows the user a timeout.
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
      return;
    }
    try {
      await args.next();
    } catch (error) {
      if (isUnsentAck(error)) {
        await options.once.release?.(claim).catch((releaseError: unknown) => {
          options.logger.warn("cannot release a Slack delivery claim", { error: errorMessage(releaseError) });
        });
      }
      throw error;
    }
  };
}
