import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Investigation, Trigger } from "../domain/investigation.js";
import { DependencyError, errorMessage } from "../errors.js";
import { log as defaultLog, type Logger } from "../log.js";
import type { MetricsRecorder } from "../metrics/registry.js";
import { AuditTrail } from "./audit.js";
import type { Decision, DecisionPlace, DecisionResult, RefusalRecord } from "./decisions.js";
import { JOB_NAMES, type RemediateJob, remediateJobSchema, remediationJobId } from "./jobs.js";
import { DEFAULT_PREFIX, QUEUE_NAMES } from "./keys.js";
import { settleStarts } from "./settle.js";
import { InvestigationStore } from "./store.js";

/** How jobs are retried: transient faults back off exponentially; bad input fails at once. */
export interface RetryOptions {
  attempts: number;
  /** First retry delay (ms); doubles on each retry. */
  backoffMs: number;
}

/** Default retries for investigations: 4 attempts, 2 s, 4 s, 8 s apart. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 4, backoffMs: 2000 };

/** Setup of the producer side (Slack handlers, webhook, watcher, CLI). */
export interface ProducerOptions {
  /** A fail-fast connection (createProducerConnection): callers get an error, never a hang. */
  redis: Redis;
  prefix?: string;
  retentionHours: number;
  retry?: RetryOptions;
  clock?: () => Date;
  logger?: Logger;
  /** Counts denied proposals (k8s_triage_remediations_total, outcome denied). */
  metrics?: MetricsRecorder;
  /**
   * The cluster whose scope `prefix` is (see scope.ts): stamped on every remediation job so the
   * executor can refuse one meant for another cluster. Absent = the default cluster.
   */
  cluster?: string;
}

/** What happened to a submitted trigger. */
export interface SubmitResult {
  investigation: Investigation;
  /** True when the trigger joined a running investigation (or was a retry of one already seen). */
  joined: boolean;
  /** True when it was a retry of an event already accepted (same dedupKey): nothing changed. */
  duplicate: boolean;
}

/** Job options of the two queues (keep finished jobs long enough to dedup late retries). */
function jobOptions(retry: RetryOptions): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: "exponential", delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/**
 * Starts and joins investigations. Triggers for a workload that is already being investigated
 * join it; a retried event (same dedupKey) changes nothing; the job id is the investigation id,
 * so BullMQ never holds two jobs for one investigation.
 */
export class Producer {
  readonly store: InvestigationStore;
  readonly audit: AuditTrail;
  readonly investigations: Queue;
  readonly remediations: Queue;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly retry: RetryOptions;
  private readonly metrics: MetricsRecorder | undefined;
  /** The cluster this producer's queues belong to, when not the default one. */
  readonly cluster: string | undefined;

  constructor(options: ProducerOptions) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.store = new InvestigationStore(options.redis, { prefix, retentionHours: options.retentionHours });
    this.audit = new AuditTrail(options.redis, {
      ...(options.cluster ? { cluster: options.cluster } : {}),
      prefix,
      retentionSeconds: this.store.retentionSeconds,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.investigations = new Queue(QUEUE_NAMES.investigations, { connection: options.redis, prefix });
    this.remediations = new Queue(QUEUE_NAMES.remediations, { connection: options.redis, prefix });
    this.clock = options.clock ?? (() => new Date());
    this.logger = (options.logger ?? defaultLog).child({ component: "producer" });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.metrics = options.metrics;
    this.cluster = options.cluster;
  }

  /** Starts an investigation for the trigger, or joins the one already running for its workload. */
  async submitTrigger(trigger: Trigger): Promise<SubmitResult> {
    return this.guard("submit trigger", async () => {
      const now = this.clock();
      const { outcome, investigation } = await this.store.createOrJoin(trigger, now);
      const kind = outcome === "created" ? "trigger" : outcome === "joined" ? "join" : "duplicate";
      await this.audit.append({
        kind,
        investigationId: investigation.id,
        at: now.toISOString(),
        ...(trigger.requestedBy ? { actor: trigger.requestedBy } : {}),
        data: {
          source: trigger.source,
          namespace: trigger.namespace,
          ...(trigger.target ? { target: trigger.target } : {}),
          ...(trigger.dedupKey ? { dedupKey: trigger.dedupKey } : {}),
        },
      });
      // Also on joins and duplicates: if a previous submit died between creating the record and
      // adding the job, the retry adds it (same job id, so never twice).
      if (investigation.status === "queued") await this.enqueueInvestigation(investigation.id);
      return { investigation, joined: outcome !== "created", duplicate: outcome === "duplicate" };
    });
  }

  /** Adds the investigate job (idempotent: the job id is the investigation id). */
  async enqueueInvestigation(investigationId: string): Promise<void> {
    await this.investigations.add(
      JOB_NAMES.investigate,
      { investigationId },
      { ...jobOptions(this.retry), jobId: investigationId },
    );
  }

  /** Adds the remediate job for an approved proposal (idempotent per investigation and proposal). */
  async enqueueRemediation(job: RemediateJob): Promise<void> {
    const data = remediateJobSchema.parse(
      this.cluster ? { ...job, cluster: job.cluster ?? this.cluster } : job,
    );
    await this.guard("enqueue remediation", () =>
      this.remediations.add(JOB_NAMES.remediate, data, {
        ...jobOptions({ attempts: 3, backoffMs: this.retry.backoffMs }),
        jobId: remediationJobId(data.investigationId, data.proposalId),
      }),
    );
  }

  /**
   * An approver's button press: the first decision wins (exactly once); an approval enqueues the
   * remediation. With `place` (where the button was clicked), a click outside the proposal's own
   * message is refused and audited, and nothing changes. A repeated approval by the same approver re-enqueues (idempotently), so a press
   * whose enqueue failed can simply be retried.
   */
  async decide(
    token: string,
    decision: Decision,
    actor: string,
    place?: DecisionPlace,
  ): Promise<DecisionResult> {
    return this.guard("decide", async () => {
      const now = this.clock();
      const result = await this.store.decideProposal(token, decision, actor, now, place);
      const found = result.ok ? undefined : await this.store.findByToken(token);
      await this.audit.append({
        kind: result.ok ? "decision" : "refusal",
        investigationId: result.ok ? result.investigation.id : (found?.investigation.id ?? "unknown"),
        at: now.toISOString(),
        actor,
        data: result.ok
          ? { decision, proposalId: result.proposal.proposal.id }
          : {
              decision,
              reason: result.reason,
              by: result.by,
              ...(result.reason === "wrong-message" ? { detail: result.message, place } : {}),
            },
      });
      const retryOwnApproval =
        !result.ok &&
        result.reason === "already-approved" &&
        result.by === actor &&
        found?.proposal.state === "approved";
      if (result.ok && decision === "deny") {
        this.metrics?.inc("remediations", { action: result.proposal.proposal.action, outcome: "denied" });
      }
      if (result.ok && decision === "approve") {
        await this.enqueueRemediation({
          investigationId: result.investigation.id,
          proposalId: result.proposal.proposal.id,
          approvedBy: actor,
          mode: "manual",
        });
      } else if (retryOwnApproval && found) {
        await this.enqueueRemediation({
          investigationId: found.investigation.id,
          proposalId: found.proposal.proposal.id,
          approvedBy: actor,
          mode: "manual",
        });
      }
      return result;
    });
  }

  /** Audits a decision that was refused before it reached the store; nothing else changes. */
  async recordRefusal(refusal: RefusalRecord): Promise<void> {
    await this.guard("record refusal", async () => {
      await this.audit.append({
        kind: "refusal",
        investigationId: refusal.investigationId,
        at: this.clock().toISOString(),
        actor: refusal.actor,
        data: {
          decision: refusal.decision,
          reason: refusal.reason,
          ...(refusal.detail ? { detail: refusal.detail } : {}),
          ...(refusal.place ? { place: refusal.place } : {}),
        },
      });
    });
  }

  /** Closes the queues (the connection belongs to the caller). */
  async close(): Promise<void> {
    await settleStarts([this.investigations, this.remediations]);
    await Promise.all([this.investigations.close(), this.remediations.close()]);
  }

  private async guard<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DependencyError || !isRedisFailure(error)) throw error;
      this.logger.warn(`${what}: Redis unavailable`, { error: errorMessage(error) });
      throw new DependencyError(
        "REDIS_UNAVAILABLE",
        `cannot ${what}: Redis is unavailable (${errorMessage(error)})`,
        {
          cause: error,
        },
      );
    }
  }
}

/** Connection-level failures of ioredis (as opposed to our own typed errors). */
function isRedisFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|MaxRetriesPerRequest|max retries/i.test(
    error.message,
  );
}
