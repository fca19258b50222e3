import type { Investigation } from "../../domain/investigation.js";
import { THREAD_BUDGET } from "./budget.js";
import { causeId, rankedCauses } from "./incident.js";
import { needsEvidenceFile } from "./rca.js";

/** What the thread holds before anyone approves: which replies, in which order. */
export interface ThreadPlan {
  /** The bot's status message is a reply (someone else's alert is the parent). */
  statusReply: boolean;
  /** The evidence file goes up (after the cards, so the buttons stay near the top). */
  attachEvidence: boolean;
  /** Charts of the investigation that go up (the first ones, at most THREAD_BUDGET.maxCharts). */
  charts: number;
  /**
   * One files reply: the evidence file and the charts share a single message (one upload), so a
   * picture never costs a fix its card beyond the reply the evidence file would take anyway.
   */
  filesReply: boolean;
  /** Indexes of the proposals that get a card of their own, best first. */
  cards: number[];
  /** Proposals over the budget: listed in the evidence file and counted in the RCA reply. */
  uncarded: number;
}

/**
 * Plans the thread inside THREAD_BUDGET.maxRepliesBeforeApproval: status reply (alert threads
 * only), the RCA, one card per fix while the budget lasts, and one files reply (the evidence file
 * and the charts, attached together). Proposals come
 * ranked by the root cause they fix, so the top cause's fix always gets its card.
 */
export function planThread(investigation: Investigation, statusReply: boolean): ThreadPlan {
  const total = investigation.proposals.length;
  const slotsWith = (file: boolean) =>
    Math.max(0, THREAD_BUDGET.maxRepliesBeforeApproval - (statusReply ? 1 : 0) - 1 - (file ? 1 : 0));
  const charts = Math.min(investigation.charts?.length ?? 0, THREAD_BUDGET.maxCharts);
  const filesReply = charts > 0 || needsEvidenceFile(investigation) || total > slotsWith(false);
  const slots = slotsWith(filesReply);
  // Fixes that get no card must still be written down somewhere: the evidence file.
  const attachEvidence = needsEvidenceFile(investigation) || total > slots;
  const rank = new Map(rankedCauses(investigation).map((cause, index) => [causeId(cause), index]));
  const order = investigation.proposals
    .map((record, index) => ({ index, rank: rank.get(record.proposal.rootCauseId) ?? rank.size }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((item) => item.index);
  const cards = order.slice(0, slots);
  return { statusReply, attachEvidence, charts, filesReply, cards, uncarded: total - cards.length };
}
