import type { KubeEvent } from "../domain/kube.js";
import { ClusterError, errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import type { Logger } from "../log.js";
import type { DetectState } from "./detect-state.js";
import { eventTime, occurrenceOf } from "./event-filter.js";

/** Lists one kind with the list's resourceVersion, so a watch can start exactly after it. */
export type ListWithVersion = (
  plural: string,
  options: { fieldSelector?: string; signal?: AbortSignal },
) => Promise<{ items: KubeEvent[]; resourceVersion: string }>;

export interface WatchLoopOptions {
  reader: ClusterReader;
  listWithVersion: ListWithVersion;
  state: DetectState;
  /** Called for every Warning event, one at a time, in stream order. */
  onEvent: (event: KubeEvent) => Promise<void>;
  /** Called with the events that happened while we were not watching (relist after a gap). */
  onBacklog?: (events: KubeEvent[]) => Promise<void>;
  signal: AbortSignal;
  log: Logger;
  /** Reconnect backoff bounds (ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const FIELD_SELECTOR = "type=Warning";

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

class WatchExpired extends Error {}

/**
 * Watches Warning events forever: resumes from the resourceVersion saved in Redis, relists on
 * 410 Gone (handing the gap's events to `onBacklog`), and reconnects with capped exponential
 * backoff and jitter. The resourceVersion is saved only after an event was handled, so a crash
 * repeats at most the event in hand (which `markHandled` then skips) and misses nothing.
 */
export async function runWatchLoop(options: WatchLoopOptions): Promise<void> {
  const { reader, state, signal, log } = options;
  const sleep = options.sleep ?? defaultSleep;
  const minBackoff = options.minBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let failures = 0;

  while (!signal.aborted) {
    try {
      let rv = await state.resourceVersion();
      if (!rv) {
        const listed = await options.listWithVersion("events", { fieldSelector: FIELD_SELECTOR, signal });
        const since = await state.since();
        if (since === undefined) {
          // First start: everything already in the cluster is history, not an incident.
          // Spread into Math.max would overflow the stack on a cluster with many events.
          const newest = listed.items.reduce((max, event) => Math.max(max, eventTime(event) || 0), 0);
          // Event times have one-second resolution, so the boundary second is ambiguous: record
          // each listed occurrence as handled so a later relist cannot mistake it for news.
          await state.markHandledMany(listed.items.map(occurrenceOf));
          await state.advanceSince(newest);
          log.info("watcher: first start, existing events treated as history", {
            events: listed.items.length,
          });
        } else if (options.onBacklog) {
          await options.onBacklog(listed.items);
        }
        rv = listed.resourceVersion;
        await state.saveResourceVersion(rv);
      }
      // Events are handled one at a time, in order. A failing handler (Redis down, queue refused)
      // cuts the stream, and the loop reconnects from the last saved version, so nothing is lost.
      const stream = new AbortController();
      const cut = () => stream.abort();
      signal.addEventListener("abort", cut, { once: true });
      let chain = Promise.resolve();
      let failure: unknown;
      let expired = false;
      let current = rv;
      const step = async (event: { type: string; object: { metadata: { resourceVersion?: string } } }) => {
        if (expired || failure !== undefined) return;
        if (event.type === "ERROR") {
          const status = event.object as unknown as { code?: number; message?: string };
          if (status.code === 410) {
            expired = true;
            cut();
            return;
          }
          throw new Error(`watch error: ${status.message ?? JSON.stringify(status)}`);
        }
        const version = event.object.metadata.resourceVersion;
        if (event.type === "ADDED" || event.type === "MODIFIED")
          await options.onEvent(event.object as KubeEvent);
        if (version) {
          current = version;
          await state.saveResourceVersion(version);
        }
      };
      try {
        await reader.watch(
          "events",
          { resourceVersion: rv, fieldSelector: FIELD_SELECTOR, signal: stream.signal },
          (event) => {
            chain = chain
              .then(() => step(event))
              .catch((error: unknown) => {
                failure ??= error;
                cut();
              });
          },
        );
      } catch (error) {
        // Servers report an expired resourceVersion either as an ERROR event or as HTTP 410.
        if (error instanceof ClusterError && error.status === 410) expired = true;
        else failure ??= error;
      } finally {
        await chain;
        signal.removeEventListener("abort", cut);
      }
      if (expired) throw new WatchExpired(`resourceVersion ${current} is too old (410 Gone)`);
      if (failure !== undefined) throw failure;
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof WatchExpired) {
        log.warn("watcher: watch expired; relisting", { reason: error.message });
        await state.saveResourceVersion(undefined);
        continue;
      }
      failures++;
      const delay = Math.min(maxBackoff, minBackoff * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      log.warn("watcher: watch failed; reconnecting", {
        error: errorMessage(error),
        attempt: failures,
        delayMs: Math.round(delay),
      });
      await sleep(delay, signal);
    }
  }
}
