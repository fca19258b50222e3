import { scrubText } from "../agent/scrub.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { Investigation, ProposalRecord, SlackThread } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";

/**
 * The JSON shapes MCP clients read: the triage JSON of DESIGN.md (trimmed of what costs context and
 * says nothing), and investigation records without their approval tokens (a token is what an
 * approver's button carries; nothing outside Slack should hold one).
 */

/** A proposal as data: what it would change and how risky it is, never how to trigger it. */
export function proposalView(proposal: RemediationProposal, state?: ProposalRecord["state"]) {
  return {
    id: proposal.id,
    action: proposal.action,
    target: proposal.target,
    params: proposal.params,
    risk: proposal.risk,
    summary: proposal.summary,
    change: proposal.change,
    rootCauseId: proposal.rootCauseId,
    ...(state ? { state } : {}),
  };
}

/** The triage JSON (DESIGN.md's minimum shape plus headline, severity, gaps and stats). */
export function triageView(result: TriageResult) {
  return {
    namespace: result.namespace,
    collectedAt: result.collectedAt,
    headline: result.headline,
    severity: result.severity,
    controlPlane: result.controlPlane,
    blastRadius: result.blastRadius,
    symptoms: result.symptoms,
    rootCauses: result.rootCauses.map((cause) => ({
      id: cause.id,
      category: cause.category,
      summary: cause.summary,
      resource: cause.resource,
      affected: cause.affected,
      evidence: cause.evidence,
      confidence: cause.confidence,
      ...(cause.causedBy ? { causedBy: cause.causedBy } : {}),
      nextSteps: cause.nextSteps,
    })),
    remediations: result.remediations.map((proposal) => proposalView(proposal)),
    gaps: result.gaps,
    stats: result.stats,
  };
}

/** The RCA without token accounting noise. */
export function rcaView(rca: RcaReport) {
  return {
    source: rca.source,
    ...(rca.fallbackReason ? { fallbackReason: rca.fallbackReason } : {}),
    summary: rca.summary,
    severity: rca.severity,
    rootCauses: rca.rootCauses,
    hypothesesRejected: rca.hypothesesRejected,
    ...(rca.dangerousAssumption ? { dangerousAssumption: rca.dangerousAssumption } : {}),
    validationPlan: rca.validationPlan,
    ...(rca.confidence !== undefined ? { confidence: rca.confidence } : {}),
  };
}

/**
 * A link to the Slack thread where the investigation's proposals can be approved: the message
 * permalink when the workspace URL is known, else Slack's redirect to the channel.
 */
export function slackLink(thread: SlackThread | undefined, workspaceUrl?: string): string | undefined {
  if (!thread?.channel) return undefined;
  const ts = thread.threadTs ?? thread.statusTs;
  if (workspaceUrl && ts) {
    return `${workspaceUrl.replace(/\/+$/, "")}/archives/${thread.channel}/p${ts.replace(".", "")}`;
  }
  return `https://slack.com/app_redirect?channel=${encodeURIComponent(thread.channel)}`;
}

/** A stored investigation as a client reads it. */
export function investigationView(record: Investigation, workspaceUrl?: string) {
  const link = slackLink(record.thread, workspaceUrl);
  return {
    id: record.id,
    origin: "store" as const,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    trigger: {
      source: record.trigger.source,
      namespace: record.trigger.namespace,
      ...(record.trigger.target ? { target: record.trigger.target } : {}),
      // Operator or alert words, never redacted on the way in: every scrub pattern applies.
      ...(record.trigger.text ? { text: scrubText(record.trigger.text) } : {}),
      ...(record.trigger.requestedBy ? { requestedBy: record.trigger.requestedBy } : {}),
      receivedAt: record.trigger.receivedAt,
    },
    joined: record.joined.length,
    timeline: record.timeline,
    ...(link ? { slack: { channel: record.thread?.channel, link } } : {}),
    ...(record.triage ? { triage: triageView(record.triage) } : {}),
    ...(record.rca ? { rca: rcaView(record.rca) } : {}),
    proposals: record.proposals.map((entry) => ({
      ...proposalView(entry.proposal, entry.state),
      ...(entry.decidedBy ? { decidedBy: entry.decidedBy } : {}),
      ...(entry.outcome ? { outcome: { status: entry.outcome.status, message: entry.outcome.message } } : {}),
    })),
    ...(record.error ? { error: record.error } : {}),
  };
}
