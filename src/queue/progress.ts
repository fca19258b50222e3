import type { Redis } from "ioredis";
import type { InvestigationStatus } from "../domain/investigation.js";
import { log } from "../log.js";
import { DEFAULT_PREFIX, keys } from "./keys.js";

/** Published on every phase change so a Slack message or a dashboard can update in place. */
export interface ProgressEvent {
  investigationId: string;
  status: InvestigationStatus;
  at: string;
  note?: string;
}

/** Publishes a phase change on the prefix's progress channel. */
export async function publishProgress(
  redis: Redis,
  event: ProgressEvent,
  prefix = DEFAULT_PREFIX,
): Promise<void> {
  await redis.publish(keys(prefix).progressChannel, JSON.stringify(event));
}

/**
 * Calls `handler` for every phase change published under `prefix`. Uses its own duplicate of
 * `redis` (a subscribed connection can do nothing else); resolves once subscribed, to a function
 * that unsubscribes and closes it. Pub/sub is fire-and-forget: the store is the source of truth.
 */
export async function subscribeProgress(
  redis: Redis,
  handler: (event: ProgressEvent) => void,
  options: { prefix?: string } = {},
): Promise<() => Promise<void>> {
  const channel = keys(options.prefix ?? DEFAULT_PREFIX).progressChannel;
  const subscriber = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
  subscriber.on("message", (received: string, message: string) => {
    if (received !== channel) return;
    try {
      handler(JSON.parse(message) as ProgressEvent);
    } catch (error) {
      log.warn("progress handler failed", { error });
    }
  });
  await subscriber.subscribe(channel);
  return async () => {
    await subscriber.unsubscribe(channel).catch(() => undefined);
    subscriber.disconnect();
  };
}
