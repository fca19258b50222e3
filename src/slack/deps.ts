import type { Policy } from "../config/policy.js";
import type { Investigation, ProposalRecord, Trigger } from "../domain/investigation.js";
import type { ReadinessCheck } from "../health/index.js";
import type { Logger } from "../log.js";
import type { Decision, DecisionPlace, DecisionResult, RefusalRecord } from "../queue/decisions.js";
import type { ApprovalRequest, GateDecision } from "../remediation/gate.js";

export type { ApprovalRequest, Decision, DecisionPlace, DecisionResult, GateDecision, RefusalRecord };

/**
 * What the Slack app and notifier need from the investigation store (src/queue
 * `InvestigationStore` satisfies it as is).
 */
export interface SlackStore {
  get(id: string): Promise<Investigation | undefined>;
  /** Most recent first. */
  recent(limit?: number): Promise<Investigation[]>;
  /** The (newest) investigation living in this Slack thread, by its pointer (one read). */
  findByThread?(channel: string, threadTs: string): Promise<Investigation | undefined>;
  findByToken(token: string): Promise<{ investigation: Investigation; proposal: ProposalRecord } | undefined>;
  /** Marks a posted step; true for the first caller only (SET NX). */
  markNotified(investigationId: string, step: string): Promise<boolean>;
  wasNotified(investigationId: string, step: string): Promise<boolean>;
  /** Compare-and-swap read-modify-write (used to record where the thread lives). */
  update(id: string, mutate: (current: Investigation) => Investigation | undefined): Promise<Investigation>;
}

/** What the Slack app needs from the queue producer (src/queue `Producer` satisfies it). */
export interface SlackProducer {
  /** Deduplicates by trigger.dedupKey and by namespace/target; `joined` when it joined a running one. */
  submitTrigger(
    trigger: Trigger,
  ): Promise<{ investigation: Investigation; joined: boolean; duplicate?: boolean }>;
  /**
   * Exactly-once decision on a proposal (first wins; later ones are refused with the reason);
   * an approval enqueues the remediation, and every decision lands in the audit trail.
   */
  decide(token: string, decision: Decision, actor: string, place?: DecisionPlace): Promise<DecisionResult>;
  /** Audits a decision refused before it reached the store (e.g. clicked in another message). */
  recordRefusal(refusal: RefusalRecord): Promise<void>;
}

/** The policy's approver check (src/remediation `authorizeApprover`), pure. */
export type AuthorizeApprover = (policy: Policy, request: ApprovalRequest) => GateDecision;

/**
 * Answers an @mention in an investigation thread. Returns the text to post, or undefined when the
 * answer is posted elsewhere (serve hands the question to a worker's follow-up queue).
 */
export type FollowUpHandler = (request: {
  investigation: Investigation;
  question: string;
  userId: string;
  channel: string;
  threadTs: string;
}) => Promise<string | undefined>;

/** Exactly-once guard for inbound Slack deliveries (event_id), e.g. Redis SET NX with a TTL. */
export interface OnceGuard {
  /** True the first time `key` is seen within `ttlSeconds`. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claim, so the next delivery of `key` is handled (its first one never got through). */
  release?(key: string): Promise<void>;
}

/** Everything the Slack app depends on; the default wiring is in src/commands/serve.ts. */
export interface SlackDeps {
  store: SlackStore;
  producer: SlackProducer;
  policy: Policy;
  authorize: AuthorizeApprover;
  once: OnceGuard;
  clock: () => Date;
  logger: Logger;
  /** `/readyz` checks by name (e.g. redis): each resolves when its dependency answers. */
  readiness: Record<string, ReadinessCheck>;
  followUp?: FollowUpHandler;
  /** `CLUSTER_NAME`, shown on every message (default "default"). */
  clusterName?: string;
  /**
   * Many clusters behind this app (src/cluster `ClusterRouter` satisfies it): which cluster a
   * request goes to, and the policy as that cluster sees it. Absent: one cluster, as before.
   */
  clusters?: ClusterRouting;
}

/** One registered cluster agent, as `/triage status` lists it. */
export interface AgentStatus {
  cluster: string;
  id: string;
  host: string;
  roles: string[];
  version: string;
  lastSeen: string;
  health: "online" | "late" | "stopped";
  namespaces?: number;
}

/** Routing of Slack requests to clusters (see SlackDeps.clusters). */
export interface ClusterRouting {
  /**
   * The cluster for a namespace asked for in `channel` (`cluster` when the user named one), or a
   * refusal in words (unknown cluster, ambiguous namespace, agent offline): nothing is enqueued.
   */
  route(request: {
    namespace: string;
    cluster?: string;
    channel?: string;
    commandName?: string;
    /** The agent role the work needs (default investigations). */
    needs?: "investigations" | "remediations" | "follow-ups";
  }): Promise<{ ok: true; cluster: string } | { ok: false; problem: string; reason: string }>;
  /** The policy as `cluster` sees it (cluster-scoped approvers, namespaces, limits). */
  policyFor(cluster: string): Policy;
  /** Every registered agent and its health. */
  agents(): Promise<AgentStatus[]>;
}
