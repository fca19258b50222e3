import type { Redis } from "ioredis";
import { log as defaultLog, type Logger } from "../log.js";
import { DEFAULT_PREFIX, keys } from "./keys.js";

/** The kinds of things that land in the audit trail. */
export type AuditKind =
  | "trigger"
  | "join"
  | "duplicate"
  | "status"
  | "decision"
  | "refusal"
  | "approval"
  | "execution"
  | "validation"
  | "failure";

/** One audit entry. `id` is the stream id (time-ordered) once written. */
export interface AuditEntry {
  id?: string;
  kind: AuditKind;
  investigationId: string;
  at: string;
  actor?: string;
  /** Structured details (already redacted upstream; never a secret). */
  data?: Record<string, unknown>;
  /** The cluster the entry is about, when the trail is a named cluster's (many clusters). */
  cluster?: string;
}

/** Keep roughly this many entries in the global stream (approximate trim keeps XADD O(1)). */
const GLOBAL_MAXLEN = 100_000;
const PER_INVESTIGATION_MAXLEN = 1_000;

/** Where audit entries go. */
export interface AuditOptions {
  prefix?: string;
  /** Per-investigation streams expire with the records; the global stream is only length-capped. */
  retentionSeconds: number;
  logger?: Logger;
  /** The cluster whose scope `prefix` is: every entry written names it. */
  cluster?: string;
}

/**
 * Append-only audit trail: every trigger, join, decision, execution and validation is added to a
 * Redis stream (a global one, plus one per investigation for quick lookups) and written as a
 * structured log line, so the trail survives in the log pipeline even after Redis trims it.
 */
export class AuditTrail {
  private readonly keys;
  private readonly logger: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly options: AuditOptions,
  ) {
    this.keys = keys(options.prefix ?? DEFAULT_PREFIX);
    this.logger = (options.logger ?? defaultLog).child({ component: "audit" });
  }

  /** Appends an entry; returns its stream id. */
  async append(given: AuditEntry): Promise<string> {
    const entry = this.options.cluster ? { ...given, cluster: this.options.cluster } : given;
    const fields = [
      "kind",
      entry.kind,
      "investigationId",
      entry.investigationId,
      "at",
      entry.at,
      "actor",
      entry.actor ?? "",
      "data",
      JSON.stringify(entry.data ?? {}),
      ...(entry.cluster ? ["cluster", entry.cluster] : []),
    ];
    this.logger.info(`audit ${entry.kind}`, { ...entry });
    const perInvestigation = this.keys.auditFor(entry.investigationId);
    const results = await this.redis
      .multi()
      .xadd(this.keys.auditStream, "MAXLEN", "~", GLOBAL_MAXLEN, "*", ...fields)
      .xadd(perInvestigation, "MAXLEN", "~", PER_INVESTIGATION_MAXLEN, "*", ...fields)
      .expire(perInvestigation, this.options.retentionSeconds)
      .exec();
    const first = results?.[0];
    if (!first || first[0]) throw first?.[0] ?? new Error("audit append failed");
    return String(first[1]);
  }

  /** Entries of one investigation (oldest first), or the latest `limit` entries of all. */
  async read(investigationId?: string, limit = 1000): Promise<AuditEntry[]> {
    const rows = investigationId
      ? await this.redis.xrange(this.keys.auditFor(investigationId), "-", "+", "COUNT", limit)
      : (await this.redis.xrevrange(this.keys.auditStream, "+", "-", "COUNT", limit)).reverse();
    return rows.map(([id, fields]) => parseEntry(id, fields));
  }
}

function parseEntry(id: string, fields: string[]): AuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const actor = map.get("actor");
  const cluster = map.get("cluster");
  return {
    ...(cluster ? { cluster } : {}),
    id,
    kind: (map.get("kind") ?? "status") as AuditKind,
    investigationId: map.get("investigationId") ?? "",
    at: map.get("at") ?? "",
    ...(actor ? { actor } : {}),
    data: JSON.parse(map.get("data") ?? "{}") as Record<string, unknown>,
  };
}

/** Reads the audit trail of one investigation, or the latest entries of all. */
export function readAudit(
  redis: Redis,
  investigationId?: string,
  options: { prefix?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const trail = new AuditTrail(redis, { prefix: options.prefix, retentionSeconds: 1 });
  return trail.read(investigationId, options.limit);
}
