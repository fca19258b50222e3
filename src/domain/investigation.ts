import type { RemediationProposal } from "./actions.js";
import type { MetricChart } from "./metrics.js";
import type { ModelUsage, RcaReport } from "./rca.js";
import type { ResourceRef, TriageResult } from "./types.js";

/** Where an investigation came from. */
export type TriggerSource =
  | "slash-command"
  | "alert-message"
  | "mention"
  | "watcher"
  | "alertmanager"
  | "cli";

/** Where in Slack the investigation lives (channel and the thread's parent message). */
export interface SlackThread {
  channel: string;
  /** ts of the thread's parent message (the bot's, or the alert's for alert threads). */
  threadTs?: string;
  /** ts of the bot's status message that is updated in place. */
  statusTs?: string;
  /** ts of each proposal's card by proposal id, so every state change edits the card in place. */
  cards?: Record<string, string>;
}

/** A request to investigate. `text` is untrusted (operator words or alert text). */
export interface Trigger {
  source: TriggerSource;
  namespace: string;
  /**
   * The cluster to investigate (its agent takes the job); absent = the install's own cluster
   * (`default` for an all-in-one install).
   */
  cluster?: string;
  /** The workload an alert or event names, when known. */
  target?: ResourceRef;
  text?: string;
  /** Slack user id of the requester. */
  requestedBy?: string;
  slack?: SlackThread;
  /** Idempotency key: Slack event_id / command trigger, alert fingerprint, event uid. */
  dedupKey?: string;
  receivedAt: string;
  /** Per-route notification choices for detected incidents (default: notify both). */
  notify?: { onStart: boolean; onComplete: boolean };
  /** The alert or event that caused this trigger, for automatic-mode policy matching. */
  signal?: { type?: string; reason?: string; kind?: string; message?: string; alertname?: string };
}

export type InvestigationStatus =
  | "queued"
  | "collecting"
  | "analyzing"
  | "proposed"
  | "completed"
  | "approved"
  | "denied"
  | "executing"
  | "validating"
  | "resolved"
  | "failed";

export interface ValidationOutcome {
  verdict: "resolved" | "partially-resolved" | "not-resolved";
  evidence: string[];
  checkedAt: string;
  /** Who judged: the model's validation investigation, or the deterministic readiness check. */
  source?: "model" | "deterministic";
  /** Why the model did not judge, when `source` is deterministic. */
  fallbackReason?: string;
  /** Tokens and cost of the model's validation, when it ran. */
  usage?: ModelUsage;
}

/** What happened when a proposal was executed. */
export interface ExecutionOutcome {
  status: "succeeded" | "refused" | "failed";
  message: string;
  /** The target as it was before the change (for rollback and audit), redacted. */
  before?: unknown;
  after?: unknown;
  validation?: ValidationOutcome;
  rolledBack?: boolean;
  /** When the change was applied (the cluster's clock), RFC 3339. */
  appliedAt?: string;
  /** The request sent, e.g. `PATCH /apis/apps/v1/namespaces/a/deployments/web (strategic-merge-patch)`. */
  request?: string;
  /** Stable code of a refusal or failure (RemediationRefused / ClusterError code). */
  code?: string;
  /** What was done or is proposed to undo the change when validation failed. */
  rollback?: {
    status: "succeeded" | "refused" | "failed" | "proposed" | "manual";
    message: string;
    /** The undo as a catalog proposal, when it needs approval (policy remediation.autoRollback off). */
    proposal?: RemediationProposal;
  };
}

export type ProposalState =
  | "pending"
  | "approved"
  | "denied"
  | "expired"
  | "executing"
  | "succeeded"
  | "failed"
  | "refused"
  | "rolled-back";

/** A proposal as offered to approvers: the opaque single-use token is what buttons carry. */
export interface ProposalRecord {
  proposal: RemediationProposal;
  token: string;
  state: ProposalState;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  mode?: "manual" | "automatic";
  outcome?: ExecutionOutcome;
  /** The Slack message that carries this proposal's buttons, once posted (decisions are bound to it). */
  message?: { channel: string; ts: string };
}

/** One investigation, as kept in Redis. */
export interface Investigation {
  id: string;
  trigger: Trigger;
  /** Later triggers that joined this investigation (dedup). */
  joined: Trigger[];
  status: InvestigationStatus;
  timeline: { status: InvestigationStatus; at: string; note?: string }[];
  createdAt: string;
  updatedAt: string;
  thread?: SlackThread;
  triage?: TriageResult;
  rca?: RcaReport;
  proposals: ProposalRecord[];
  /** Charts of the metrics the investigation read (Prometheus / metrics-server), posted in the thread. */
  charts?: MetricChart[];
  error?: string;
}

/** What changed, so a notifier (Slack, terminal) can update the right message. */
export type InvestigationUpdate =
  | { type: "status" }
  | { type: "triage" }
  | { type: "rca" }
  | { type: "proposal"; proposalId: string }
  | { type: "execution"; proposalId: string }
  | { type: "failed"; error: string }
  /** A reply in the thread, e.g. an agent's answer to an @mention follow-up question. */
  | { type: "reply"; channel: string; threadTs: string; text: string };

/**
 * Tells humans about an investigation. Implemented by the Slack poster and by terminal/no-op
 * notifiers; workers call it after the store is updated, so it always sees the latest record.
 */
export interface InvestigationNotifier {
  notify(investigation: Investigation, update: InvestigationUpdate): Promise<void>;
}
