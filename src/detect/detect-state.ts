import type { Redis } from "ioredis";
import { deleteMatching } from "../queue/scan-keys.js";

/**
 * The watcher's memory, kept in Redis so a restart neither repeats nor forgets: where the watch
 * stream left off, which events were handled, which workloads are cooling down, and how many
 * incidents each rate-limit window has started.
 */
export class DetectState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "k8s-triage",
    private readonly handledTtlSeconds = 24 * 3600,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, "detect", ...parts].join(":");
  }

  async resourceVersion(): Promise<string | undefined> {
    return (await this.redis.get(this.key("rv"))) ?? undefined;
  }

  async saveResourceVersion(rv: string | undefined): Promise<void> {
    if (rv) await this.redis.set(this.key("rv"), rv);
    else await this.redis.del(this.key("rv"));
  }

  /** Epoch ms of the newest event already accounted for; older ones are history, not incidents. */
  async since(): Promise<number | undefined> {
    const raw = await this.redis.get(this.key("since"));
    return raw === null ? undefined : Number(raw);
  }

  /** Moves the boundary forward only (a Lua max), so concurrent saves never move it back. */
  async advanceSince(ms: number): Promise<void> {
    await this.redis.eval(
      "local cur = tonumber(redis.call('GET', KEYS[1]) or '-1') if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1]) end return 1",
      1,
      this.key("since"),
      String(ms),
    );
  }

  /** True the first time an occurrence (event uid + count) is seen. */
  async markHandled(occurrence: string): Promise<boolean> {
    const result = await this.redis.set(
      this.key("handled", occurrence),
      "1",
      "EX",
      this.handledTtlSeconds,
      "NX",
    );
    return result === "OK";
  }

  /** Marks many occurrences as handled in pipelined batches (the history seen at first start). */
  async markHandledMany(occurrences: readonly string[]): Promise<void> {
    for (let start = 0; start < occurrences.length; start += 1000) {
      const pipeline = this.redis.pipeline();
      for (const occurrence of occurrences.slice(start, start + 1000)) {
        pipeline.set(this.key("handled", occurrence), "1", "EX", this.handledTtlSeconds, "NX");
      }
      await pipeline.exec();
    }
  }

  async inCooldown(incident: string): Promise<boolean> {
    return (await this.redis.exists(this.key("cooldown", incident))) === 1;
  }

  async startCooldown(incident: string, minutes: number): Promise<void> {
    if (minutes <= 0) return;
    await this.redis.set(this.key("cooldown", incident), "1", "PX", Math.round(minutes * 60_000));
  }

  /** Takes one slot of a per-minute window; false when the window is full. */
  async takeRate(scope: string, perMinute: number, nowMs: number): Promise<boolean> {
    const window = Math.floor(nowMs / 60_000);
    const key = this.key("rate", scope, String(window));
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, 120);
    return count <= perMinute;
  }

  /**
   * Forgets everything (tests, or an operator resetting the watcher). Uses SCAN, so it needs a
   * user allowed SCAN (the agent ACL users of `redis-acl` are not); on a Redis Cluster every
   * master is scanned.
   */
  async reset(): Promise<void> {
    await deleteMatching(this.redis, this.key("*"));
  }
}
