import type { Policy } from "../config/policy.js";
import type {
  ExecutionOutcome,
  Investigation,
  InvestigationNotifier,
  ProposalRecord,
  Trigger,
} from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { Snapshot, TriageResult } from "../domain/types.js";

/** What the analysis step gets. */
export interface AnalyzeInput {
  investigation: Investigation;
  trigger: Trigger;
  triage: TriageResult;
  policy: Policy;
  signal: AbortSignal;
}

/** What the remediation step gets: one approved proposal of one investigation. */
export interface RemediateInput {
  investigation: Investigation;
  record: ProposalRecord;
  approvedBy: string;
  mode: "manual" | "automatic";
  policy: Policy;
  signal: AbortSignal;
}

/** A follow-up question asked in an investigation's thread. */
export interface FollowUpInput {
  investigation: Investigation;
  question: string;
  userId: string;
  channel: string;
  threadTs: string;
}

/**
 * Everything the pipeline does that is not queue mechanics, injected so the queue can be tested
 * with the real modules (see `defaultPipelineDeps`) or with small scripted stand-ins.
 */
export interface PipelineDeps {
  /** Read-only snapshot of the trigger's scope. */
  collect(trigger: Trigger, signal: AbortSignal): Promise<Snapshot>;
  /** The deterministic triage (pure). */
  triage(snapshot: Snapshot, options: { namespace: string }): TriageResult;
  /** The RCA: the model's, or derived from the triage when no model is configured. */
  analyze(input: AnalyzeInput): Promise<RcaReport>;
  /** True when `analyze` calls a model: calls then pass the shared MODEL_CALLS_PER_MINUTE limit. */
  analyzeUsesModel?: boolean;
  /** Tells humans; called after each store update with the record as written. */
  notifier: InvestigationNotifier;
  /** Executes and validates one approved proposal (the only place that writes to a cluster). */
  remediate(input: RemediateInput): Promise<ExecutionOutcome>;
  /** Proposal ids the policy lets run without an approver (automatic mode); none when absent. */
  autoApprove?(investigation: Investigation, policy: Policy): Promise<string[]>;
  /**
   * Answers an @mention question in the investigation's thread (reads with the reader identity,
   * posts the answer); absent when this process cannot (no model or no Slack token).
   */
  followUp?(input: FollowUpInput): Promise<void>;
  clock(): Date;
  /** Frees what the deps hold (cluster connections); called once the workers have stopped. */
  close?(): void | Promise<void>;
}
