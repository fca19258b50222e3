import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Investigation, InvestigationStatus, ProposalRecord, Trigger } from "../domain/investigation.js";
import { DependencyError, InputError } from "../errors.js";
import { type DecisionResult, isSettled } from "./decisions.js";
import { dedupKeyFor } from "./dedup.js";
import { DEFAULT_PREFIX, type Keys, keys } from "./keys.js";
import { CAS, CREATE_OR_JOIN, runScript } from "./scripts.js";
import { assertTransition, isFinal } from "./status.js";
import { type DecisionArgs, decideProposal } from "./store-decisions.js";

/** How the store is set up. */
export interface StoreOptions {
  prefix?: string;
  /** Records, tokens and marks expire this long after their last update. */
  retentionHours: number;
  /** Upper bound on how long a dedup slot is held if an investigation never finishes (default 1 h). */
  activeTtlSeconds?: number;
  /** How long a trigger's idempotency key (Slack event id…) is remembered (default 24 h). */
  eventTtlSeconds?: number;
}

/** What `createOrJoin` did with a trigger. */
export type SubmitOutcome = "created" | "joined" | "duplicate";

const MAX_CAS_ATTEMPTS = 100;

/** A fresh, time-sortable investigation id (also the BullMQ job id). */
export function newInvestigationId(now: Date): string {
  return `inv-${now.getTime().toString(36)}-${randomBytes(5).toString("hex")}`;
}

/**
 * Investigation records in Redis: one JSON value per investigation with a TTL, a sorted-set index
 * of recent ones, approval tokens, and "already notified" marks. Every write is a
 * compare-and-swap (Lua), so concurrent workers and handlers never lose each other's updates.
 */
export class InvestigationStore {
  readonly keys: Keys;
  readonly retentionSeconds: number;
  private readonly activeTtlSeconds: number;
  private readonly eventTtlSeconds: number;

  constructor(
    readonly redis: Redis,
    options: StoreOptions,
  ) {
    this.keys = keys(options.prefix ?? DEFAULT_PREFIX);
    this.retentionSeconds = Math.max(1, Math.round(options.retentionHours * 3600));
    this.activeTtlSeconds = options.activeTtlSeconds ?? 3600;
    this.eventTtlSeconds = options.eventTtlSeconds ?? 24 * 3600;
  }

  private async raw(id: string): Promise<string | null> {
    return this.redis.get(this.keys.investigation(id));
  }

  /** The record, or undefined when unknown or expired. */
  async get(id: string): Promise<Investigation | undefined> {
    const raw = await this.raw(id);
    return raw === null ? undefined : (JSON.parse(raw) as Investigation);
  }

  /** The record, or an InputError when it is unknown or expired. */
  async require(id: string): Promise<Investigation> {
    const record = await this.get(id);
    if (!record) throw new InputError("INVESTIGATION_NOT_FOUND", `investigation ${id} is unknown or expired`);
    return record;
  }

  /**
   * Creates a record for the trigger, or returns the running investigation of the same workload
   * (`joined`, the trigger is appended to `joined`), or the one a retry of the same event already
   * created (`duplicate`, nothing changes). One atomic script decides, so storms make one record.
   */
  async createOrJoin(
    trigger: Trigger,
    now: Date,
  ): Promise<{ outcome: SubmitOutcome; investigation: Investigation }> {
    await this.closeIfSettled(dedupKeyFor(trigger), now);
    const id = newInvestigationId(now);
    const at = now.toISOString();
    const record: Investigation = {
      id,
      trigger,
      joined: [],
      status: "queued",
      timeline: [{ status: "queued", at }],
      createdAt: at,
      updatedAt: at,
      proposals: [],
      ...(trigger.slack ? { thread: trigger.slack } : {}),
    };
    const k = this.keys;
    const reply = (await runScript(
      this.redis,
      CREATE_OR_JOIN,
      [
        k.active(dedupKeyFor(trigger)),
        k.event(trigger.dedupKey ?? "-"),
        k.investigation(id),
        k.index,
        ...this.threadKey(record),
      ],
      [
        id,
        JSON.stringify(record),
        this.retentionSeconds,
        this.activeTtlSeconds,
        now.getTime(),
        trigger.dedupKey ? "1" : "0",
        k.investigation(""),
        this.eventTtlSeconds,
      ],
    )) as [SubmitOutcome, string];
    const [outcome, existingId] = reply;
    if (outcome === "created") {
      await this.redis.zremrangebyscore(k.index, 0, now.getTime() - this.retentionSeconds * 1000);
      return { outcome, investigation: record };
    }
    if (outcome === "duplicate") return { outcome, investigation: await this.require(existingId) };
    const investigation = await this.update(existingId, (current) => {
      current.joined.push(trigger);
      current.updatedAt = at;
      if (!current.thread && trigger.slack) current.thread = trigger.slack;
      return current;
    });
    return { outcome, investigation };
  }

  /**
   * Completes the investigation holding a workload's dedup slot when all its proposals have
   * expired or been denied (releasing the slot), so the next trigger starts a fresh one.
   */
  private async closeIfSettled(dedupKey: string, now: Date): Promise<void> {
    const activeId = await this.redis.get(this.keys.active(dedupKey));
    if (activeId === null) return;
    const active = await this.get(activeId);
    if (!active || !isSettled(active, now)) return;
    const at = now.toISOString();
    await this.update(activeId, (current) => {
      if (!isSettled(current, now)) return undefined;
      for (const record of current.proposals) {
        if (record.state === "pending") record.state = "expired";
      }
      current.status = "completed";
      current.updatedAt = at;
      current.timeline.push({
        status: "completed",
        at,
        note: "every proposal expired or was denied; a new request starts a fresh investigation",
      });
      return current;
    });
  }

  /**
   * Read-modify-write with compare-and-swap: `mutate` gets a copy of the latest record and returns
   * the new one (or undefined to leave it as is); on a concurrent write it runs again on the fresh
   * record. Reaching a final status releases the workload's dedup slot in the same write.
   */
  async update(
    id: string,
    mutate: (current: Investigation) => Investigation | undefined,
  ): Promise<Investigation> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.raw(id);
      if (raw === null) {
        throw new InputError("INVESTIGATION_NOT_FOUND", `investigation ${id} is unknown or expired`);
      }
      const current = JSON.parse(raw) as Investigation;
      const next = mutate(JSON.parse(raw) as Investigation);
      if (next === undefined) return current;
      const release = isFinal(next.status) && !isFinal(current.status);
      const written = await runScript(
        this.redis,
        CAS,
        [this.keys.investigation(id), this.keys.active(dedupKeyFor(next.trigger)), ...this.threadKey(next)],
        [
          raw,
          JSON.stringify(next),
          this.retentionSeconds,
          release ? "1" : "0",
          id,
          Date.parse(next.createdAt) || 0,
        ],
      );
      if (written === 1) return next;
    }
    throw new DependencyError("STORE_CONTENTION", `investigation ${id}: too many concurrent updates`);
  }

  /**
   * Moves the record to `status` (refusing illegal transitions with IllegalTransitionError) and
   * applies `patch` in the same write.
   */
  async transition(
    id: string,
    status: InvestigationStatus,
    now: Date,
    options: { note?: string; patch?: (record: Investigation) => void } = {},
  ): Promise<Investigation> {
    return this.update(id, (current) => {
      assertTransition(current.status, status);
      const at = now.toISOString();
      if (current.status !== status) {
        current.timeline.push({ status, at, ...(options.note ? { note: options.note } : {}) });
      }
      current.status = status;
      current.updatedAt = at;
      options.patch?.(current);
      return current;
    });
  }

  /** The thread pointer's key of a record that lives in a Slack thread (none otherwise). */
  private threadKey(record: Investigation): string[] {
    const thread = record.thread;
    return thread?.threadTs ? [this.keys.thread(thread.channel, thread.threadTs)] : [];
  }

  /**
   * The investigation whose Slack thread this is (the newest, when "re-investigate" started
   * another in the same thread). One GET: every write of a record in a thread points the thread
   * at it, so an @mention in an old thread is found however many investigations came after.
   */
  async findByThread(channel: string, threadTs: string): Promise<Investigation | undefined> {
    const pointer = await this.redis.get(this.keys.thread(channel, threadTs));
    const id = pointer?.slice(pointer.indexOf("|") + 1);
    if (!id) return undefined;
    const record = await this.get(id);
    return record?.thread?.channel === channel && record.thread.threadTs === threadTs ? record : undefined;
  }

  /** The most recent investigations, newest first (for `/triage status` and App Home). */
  async recent(limit = 20): Promise<Investigation[]> {
    const ids = await this.redis.zrevrange(this.keys.index, 0, Math.max(0, limit - 1));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.investigation(id)));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as Investigation);
  }

  /**
   * Makes the proposals' tokens resolvable. Idempotent; safe before the proposals are stored (a
   * token whose proposal is not in the record yet is simply refused as unknown).
   */
  async registerTokens(investigation: Pick<Investigation, "id" | "proposals">): Promise<void> {
    if (investigation.proposals.length === 0) return;
    const multi = this.redis.multi();
    for (const record of investigation.proposals) {
      const value = JSON.stringify({ investigationId: investigation.id, proposalId: record.proposal.id });
      multi.set(this.keys.token(record.token), value, "EX", this.retentionSeconds);
    }
    await multi.exec();
  }

  /** The investigation and proposal an approval token belongs to. */
  async findByToken(
    token: string,
  ): Promise<{ investigation: Investigation; proposal: ProposalRecord } | undefined> {
    const pointer = await this.redis.get(this.keys.token(token));
    if (pointer === null) return undefined;
    const { investigationId } = JSON.parse(pointer) as { investigationId: string };
    const investigation = await this.get(investigationId);
    const proposal = investigation?.proposals.find((record) => record.token === token);
    return investigation && proposal ? { investigation, proposal } : undefined;
  }

  /**
   * Exactly-once decision on a proposal: the first approve/deny wins atomically (Lua); every later
   * one gets a typed refusal naming who decided, or that the token expired or is unknown.
   */
  decideProposal(...args: DecisionArgs): Promise<DecisionResult> {
    return decideProposal(this, ...args);
  }

  /**
   * Marks a notification step as posted; true only for the first caller (SET NX). Notifiers use
   * it so a job retried after a crash does not post the same message twice.
   */
  async markNotified(investigationId: string, step: string): Promise<boolean> {
    const key = this.keys.notified(investigationId, step);
    return (await this.redis.set(key, "1", "EX", this.retentionSeconds, "NX")) === "OK";
  }

  /** True when `step` was already posted for the investigation. */
  async wasNotified(investigationId: string, step: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.notified(investigationId, step))) === 1;
  }
}
