import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * Job payloads. They carry ids only: the investigation record in Redis is the source of truth, so
 * a retried job always works on the latest state and a payload can never smuggle in a command.
 */

const investigationId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "must be an investigation id");

/** Payload of an `investigate` job. */
export const investigateJobSchema = z.object({ investigationId }).strict();
export type InvestigateJob = z.infer<typeof investigateJobSchema>;

/** Payload of a `remediate` job (enqueued after an authorized approval, or by automatic mode). */
export const remediateJobSchema = z
  .object({
    investigationId,
    proposalId: z.string().min(1).max(512),
    approvedBy: z.string().min(1).max(128),
    mode: z.enum(["manual", "automatic"]),
  })
  .strict();
export type RemediateJob = z.infer<typeof remediateJobSchema>;

/** Job names inside the two queues. */
export const JOB_NAMES = {
  investigate: "investigate",
  remediate: "remediate",
  /** Delayed, on the investigations queue: closes the proposals' approval window at its TTL. */
  expire: "expire-proposals",
} as const;

/** The BullMQ job id of an investigation's expiry check at `at` (one per instant, idempotent). */
export function expiryJobId(investigationId: string, at: Date): string {
  return `exp-${createHash("sha256").update(`${investigationId}\n${at.getTime()}`).digest("hex").slice(0, 40)}`;
}

/** The BullMQ job id of a remediation: one job per investigation and proposal, ever. */
export function remediationJobId(investigationId: string, proposalId: string): string {
  return `rem-${createHash("sha256").update(`${investigationId}\n${proposalId}`).digest("hex").slice(0, 40)}`;
}
