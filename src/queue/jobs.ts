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
    /**
     * The cluster the approval was given for. The executor refuses (and audits) a job whose
     * cluster is not its own, so an approval for eu-1 can only ever execute on eu-1.
     */
    cluster: z.string().min(1).max(63).optional(),
  })
  .strict();
export type RemediateJob = z.infer<typeof remediateJobSchema>;

/** Payload of a `follow-up` job: an @mention question in an investigation's thread. */
export const followUpJobSchema = z
  .object({
    investigationId,
    question: z.string().min(1).max(4000),
    userId: z.string().min(1).max(128),
    channel: z.string().min(1).max(64),
    threadTs: z.string().min(1).max(64),
  })
  .strict();
export type FollowUpJob = z.infer<typeof followUpJobSchema>;

/** Payload of a `notify` job: which update of which investigation to tell Slack about. */
export const notifyJobSchema = z
  .object({
    investigationId,
    update: z.discriminatedUnion("type", [
      z.object({ type: z.enum(["status", "triage", "rca"]) }).strict(),
      z.object({ type: z.enum(["proposal", "execution"]), proposalId: z.string().min(1).max(512) }).strict(),
      z.object({ type: z.literal("failed"), error: z.string().max(10_000) }).strict(),
      z
        .object({
          type: z.literal("reply"),
          channel: z.string().min(1).max(64),
          threadTs: z.string().min(1).max(64),
          text: z.string().min(1).max(40_000),
        })
        .strict(),
    ]),
  })
  .strict();
export type NotifyJob = z.infer<typeof notifyJobSchema>;

/** Job names inside the queues. */
export const JOB_NAMES = {
  investigate: "investigate",
  remediate: "remediate",
  followUp: "follow-up",
  notify: "notify",
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
