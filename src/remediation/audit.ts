/**
 * What the remediation path writes to the audit trail. The sink is injected (the queue stores it
 * in Redis); a failing sink never hides the outcome, but is logged.
 */

/** One audit record of a remediation step. */
export interface RemediationAuditEntry {
  at: string;
  type:
    | "remediation.refused"
    | "remediation.dry-run"
    | "remediation.executed"
    | "remediation.failed"
    | "remediation.validated"
    | "remediation.rolled-back"
    | "remediation.rollback-proposed"
    | "remediation.automatic-decision";
  proposalId: string;
  actor: string;
  mode: "manual" | "automatic";
  /** `Deployment prod-api/web`. */
  target: string;
  message: string;
  /** The request line (method, path, patch type). */
  request?: string;
  /** Redacted object before and after the change. */
  before?: unknown;
  after?: unknown;
  code?: string;
}

/** Where audit entries go. */
export type AuditSink = (entry: RemediationAuditEntry) => Promise<void>;

/** Time source in the cluster's terms (a simulated clock in tests). */
export interface Clock {
  now(): number | string | Date;
}

/** Epoch milliseconds of a clock reading. */
export function clockMs(clock: Clock): number {
  const value = clock.now();
  if (typeof value === "number") return value;
  if (typeof value === "string") return Date.parse(value);
  return value.getTime();
}

/** RFC 3339 (second precision, like API server timestamps) of a clock reading. */
export function clockIso(clock: Clock): string {
  return new Date(Math.floor(clockMs(clock) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The process clock, for production. */
export const systemClock: Clock = { now: () => Date.now() };
