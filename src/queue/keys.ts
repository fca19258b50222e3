/**
 * Redis key names of the pipeline. Everything lives under one prefix so tests (and several
 * installations sharing a Redis) are isolated; BullMQ's own keys use the same prefix.
 */

/** The default key prefix when none is configured. */
export const DEFAULT_PREFIX = "k8s-triage";

/**
 * Queue names (BullMQ adds the prefix). `followUps`: @mention questions in a thread, answered by a
 * worker with the reader identity; `notifications`: Slack updates from a role without a Slack
 * token (the executor), posted by a worker that has one.
 */
export const QUEUE_NAMES = {
  investigations: "investigations",
  remediations: "remediations",
  followUps: "follow-ups",
  notifications: "notifications",
} as const;

/** A queue's key in {@link QUEUE_NAMES}. */
export type QueueKey = keyof typeof QUEUE_NAMES;

/** The key of a queue given by its name (`follow-ups` → `followUps`), as the CLI's --queues takes them. */
export function queueKeyOf(name: string): QueueKey | undefined {
  return (Object.keys(QUEUE_NAMES) as QueueKey[]).find((key) => QUEUE_NAMES[key] === name);
}

/** Key builders for one prefix. */
export interface Keys {
  prefix: string;
  investigation(id: string): string;
  /** Sorted set of investigation ids scored by creation time (ms). */
  index: string;
  token(token: string): string;
  decision(token: string): string;
  active(dedupKey: string): string;
  event(dedupKey: string): string;
  /** The investigation a Slack thread belongs to (its id), for @mentions in the thread. */
  thread(channel: string, threadTs: string): string;
  notified(investigationId: string, step: string): string;
  auditStream: string;
  auditFor(investigationId: string): string;
  progressChannel: string;
  rateLimit(name: string): string;
  /** Hash of the scope's cluster agents: agent id → heartbeat (JSON), see src/cluster. */
  agents: string;
}

/** Key builders for `prefix` (default {@link DEFAULT_PREFIX}). */
export function keys(prefix: string = DEFAULT_PREFIX): Keys {
  return {
    prefix,
    investigation: (id) => `${prefix}:inv:${id}`,
    index: `${prefix}:inv-index`,
    token: (token) => `${prefix}:token:${token}`,
    decision: (token) => `${prefix}:decision:${token}`,
    active: (dedupKey) => `${prefix}:active:${dedupKey}`,
    event: (dedupKey) => `${prefix}:event:${dedupKey}`,
    thread: (channel, threadTs) => `${prefix}:thread:${channel}:${threadTs}`,
    notified: (investigationId, step) => `${prefix}:notified:${investigationId}:${step}`,
    auditStream: `${prefix}:audit`,
    auditFor: (investigationId) => `${prefix}:audit:${investigationId}`,
    progressChannel: `${prefix}:progress`,
    rateLimit: (name) => `${prefix}:ratelimit:${name}`,
    agents: `${prefix}:agents`,
  };
}
