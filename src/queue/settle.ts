/**
 * Closing a BullMQ queue, worker or event stream that is still starting is unsafe: its
 * RedisConnection keeps a handler on the start (`initializing.catch(emit "error")`) that close()
 * does not silence, and close() removes every listener. A start still waiting on its INFO (Redis
 * slow, paused, or a Cluster refreshing its slots) then fails with "Connection is closed" once the
 * connection goes, emits an error nobody listens to, and escapes as an unhandled rejection, which
 * ends a Node process instead of letting it shut down (taskforcesh/bullmq#3546).
 */

/** Something BullMQ that starts connecting when constructed. */
export interface Starting {
  waitUntilReady(): Promise<unknown>;
}

/**
 * Waits until every item has finished starting (successfully or not), for at most `ms`: a start
 * that waits for an unreachable Redis sends no INFO that could fail later, so it is left to close.
 */
export async function settleStarts(items: readonly Starting[], ms = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(items.map((item) => item.waitUntilReady())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
