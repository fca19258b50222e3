/**
 * Redis key names of the pipeline. Everything lives under one prefix so tests (and several
 * installations sharing a Redis) are isolated; BullMQ's own keys use the same prefix.
 */

/** The default key prefix when none is configured. */
export const DEFAULT_PREFIX = "k8s-triage";

/** Queue names (BullMQ adds the prefix). */
export const QUEUE_NAMES = { investigations: "investigations", remediations: "remediations" } as const;

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
  notified(investigationId: string, step: string): string;
  auditStream: string;
  auditFor(investigationId: string): string;
  progressChannel: string;
  rateLimit(name: string): string;
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
    notified: (investigationId, step) => `${prefix}:notified:${investigationId}:${step}`,
    auditStream: `${prefix}:audit`,
    auditFor: (investigationId) => `${prefix}:audit:${investigationId}`,
    progressChannel: `${prefix}:progress`,
    rateLimit: (name) => `${prefix}:ratelimit:${name}`,
  };
}
