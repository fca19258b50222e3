import type { Redis } from "ioredis";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { subscribeProgress } from "../queue/progress.js";
import type { InvestigationStore } from "../queue/store.js";

/** Something happened to an investigation in the store. */
export type FeedEvent = { type: "created" | "updated"; id: string };

/** Setup of the feed. */
export interface FeedOptions {
  store: InvestigationStore;
  /** A connection the feed may duplicate for its pub/sub subscriber. */
  redis: Redis;
  /** How often the store's index is checked for new investigations (ms). */
  pollMs: number;
  log: Logger;
}

/**
 * Tells this process about investigations other processes open or advance. New ones are found by
 * polling the store's time-ordered index (the watcher, the Alertmanager webhook and Slack all
 * create records there through the producer, so this works whoever created it and survives a
 * missed message); phase changes arrive on the workers' progress channel (pub/sub).
 */
export class IncidentFeed {
  private readonly listeners: ((event: FeedEvent) => void)[] = [];
  /** Ids already announced at the newest score, so equal timestamps are neither lost nor repeated. */
  private seenAtLast = new Set<string>();
  private lastScore = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  private closed = false;
  private subscribing: Promise<void> | undefined;

  constructor(private readonly options: FeedOptions) {}

  /** Calls `listener` for every created or updated investigation from now on. */
  onEvent(listener: (event: FeedEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Starts from the newest investigation now in the store (older ones are not news). With Redis
   * away it starts from the local clock and keeps polling; it subscribes once Redis answers.
   */
  async start(): Promise<void> {
    const { store, log } = this.options;
    try {
      const newest = await store.redis.zrevrange(store.keys.index, 0, 0, "WITHSCORES");
      this.lastScore = newest.length === 2 ? Number(newest[1]) : Date.now();
      if (newest[0] !== undefined) this.seenAtLast = new Set([newest[0]]);
    } catch (error) {
      log.warn("cannot read the investigation store; will keep trying", { error: errorMessage(error) });
      this.lastScore = Date.now();
      this.failing = true;
    }
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
    if (!this.failing) await this.subscribe();
  }

  /** Subscribes to the workers' progress channel (again after Redis was away at start). */
  private subscribe(): Promise<void> {
    const { store, log } = this.options;
    this.subscribing ??= subscribeProgress(
      this.options.redis,
      (event) => {
        // A worker's phase change may be the first sign of a new record: look before reporting.
        void this.poll().then(() => this.emit({ type: "updated", id: event.investigationId }));
      },
      { prefix: store.keys.prefix },
    ).then(
      async (unsubscribe) => {
        if (this.closed) await unsubscribe();
        else this.unsubscribe = unsubscribe;
      },
      (error: unknown) => {
        log.warn("cannot subscribe to investigation progress", { error: errorMessage(error) });
        this.subscribing = undefined;
      },
    );
    return this.subscribing;
  }

  /** Announces investigations added to the index since the last look (one look at a time). */
  poll(): Promise<void> {
    this.polling ??= this.look().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async look(): Promise<void> {
    const { store, log } = this.options;
    let found: string[];
    try {
      found = await store.redis.zrangebyscore(store.keys.index, this.lastScore, "+inf", "WITHSCORES");
      if (this.failing) log.info("investigation store answers again; incident notifications resume");
      this.failing = false;
      if (!this.closed) void this.subscribe();
    } catch (error) {
      // Redis away: say so once, keep polling; resources fall back to this server's own runs.
      if (!this.failing) log.warn("cannot poll the investigation store", { error: errorMessage(error) });
      this.failing = true;
      return;
    }
    for (let index = 0; index + 1 < found.length; index += 2) {
      const id = found[index] as string;
      const score = Number(found[index + 1]);
      if (score === this.lastScore && this.seenAtLast.has(id)) continue;
      if (score > this.lastScore) {
        this.lastScore = score;
        this.seenAtLast = new Set();
      }
      this.seenAtLast.add(id);
      this.emit({ type: "created", id });
    }
  }

  private emit(event: FeedEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.warn("incident listener failed", { error: errorMessage(error) });
      }
    }
  }

  /** Stops polling and unsubscribes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await this.unsubscribe?.();
  }
}
