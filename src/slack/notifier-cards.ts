import type { Investigation, ProposalRecord, SlackThread } from "../domain/investigation.js";
import type { Logger } from "../log.js";
import type { RenderContext } from "./blocks/incident.js";
import { changeFile, changeFileName, changeFitsCard, proposalMessages } from "./blocks/proposal.js";
import type { ThreadPlan } from "./blocks/thread.js";
import type { SlackStore } from "./deps.js";
import type { SlackPoster } from "./poster.js";

/** A thread the notifier can post into: both the thread root and the status message are known. */
export type ReadyThread = SlackThread & { threadTs: string; statusTs: string };

/** What posting and redrawing proposal cards needs from the notifier. */
export interface CardContext {
  poster: SlackPoster;
  store: Pick<SlackStore, "get" | "markNotified" | "wasNotified" | "update">;
  logger: Logger;
  clock: () => Date;
  contextFor(investigation: Investigation): RenderContext;
  plan(investigation: Investigation, thread: ReadyThread): ThreadPlan;
}

/** Marks are namespaced so they never collide with the queue's own per-update marks. */
export const step = (name: string) => `slack:${name}`;

/**
 * Posts one proposal's card (and, when its change is too long for a card, the exact change as a
 * file first), records the card's ts on the investigation (decisions are accepted from that message
 * only) and marks it, so a retried job never posts it twice.
 */
export async function postProposalCard(
  ctx: CardContext,
  investigation: Investigation,
  thread: ReadyThread,
  proposalId: string,
): Promise<void> {
  const index = investigation.proposals.findIndex((record) => record.proposal.id === proposalId);
  const record = investigation.proposals[index];
  if (!record) {
    ctx.logger.warn("proposal not in record", { investigationId: investigation.id, proposalId });
    return;
  }
  // Over the thread budget: the fix is in the evidence file and counted in the RCA reply.
  if (!ctx.plan(investigation, thread).cards.includes(index)) return;
  const key = step(`proposal:${proposalId}`);
  if (await ctx.store.wasNotified(investigation.id, key)) return;
  const position = { index, total: investigation.proposals.length };
  if (!changeFitsCard(record)) {
    const fileKey = step(`change-file:${proposalId}`);
    if (!(await ctx.store.wasNotified(investigation.id, fileKey))) {
      await ctx.poster.uploadText({
        channel: thread.channel,
        threadTs: thread.threadTs,
        filename: changeFileName(record, position),
        title: `Exact change of fix ${index + 1}`,
        content: changeFile(record),
      });
      await ctx.store.markNotified(investigation.id, fileKey);
    }
  }
  const [card] = proposalMessages(record, position, ctx.clock(), ctx.contextFor(investigation));
  if (!card) return;
  const posted = await ctx.poster.post(thread.channel, card, thread.threadTs);
  thread.cards = { ...thread.cards, [proposalId]: posted.ts };
  await ctx.store.update(investigation.id, (current) => {
    current.thread = {
      ...(current.thread ?? thread),
      cards: { ...current.thread?.cards, [proposalId]: posted.ts },
    };
    // Decisions are accepted from this message only (see slack/listeners/actions/decide).
    const target = current.proposals.find((candidate) => candidate.proposal.id === proposalId);
    if (target && !target.message) target.message = { channel: thread.channel, ts: posted.ts };
    return current;
  });
  await ctx.store.markNotified(investigation.id, key);
  await ctx.store.markNotified(
    investigation.id,
    step(`card:${proposalId}:${cardState(record, ctx.clock())}`),
  );
}

/**
 * Edits every card whose state moved since it was last drawn: approved → applying → applied and
 * validated / rolled back / failed, denied, expired. One edit per card and state.
 */
export async function refreshProposalCards(
  ctx: CardContext,
  investigation: Investigation,
  thread: ReadyThread,
): Promise<void> {
  const fresh = thread.cards ? thread : ((await ctx.store.get(investigation.id))?.thread ?? thread);
  const cards = fresh.cards ?? {};
  for (const [index, record] of investigation.proposals.entries()) {
    const ts = cards[record.proposal.id];
    if (!ts) continue;
    const key = step(`card:${record.proposal.id}:${cardState(record, ctx.clock())}`);
    if (await ctx.store.wasNotified(investigation.id, key)) continue;
    const [card] = proposalMessages(
      record,
      { index, total: investigation.proposals.length },
      ctx.clock(),
      ctx.contextFor(investigation),
    );
    if (card) await ctx.poster.update(thread.channel, ts, card);
    await ctx.store.markNotified(investigation.id, key);
  }
}

/** What a card shows, as a key: a new key means the card must be redrawn. */
export function cardState(record: ProposalRecord, now: Date): string {
  const expired = record.state === "pending" && Date.parse(record.expiresAt) <= now.getTime();
  return `${expired ? "expired" : record.state}:${record.outcome?.validation?.verdict ?? "-"}`;
}
