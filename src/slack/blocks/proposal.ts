import type { types } from "@slack/bolt";
import type { ProposalRecord } from "../../domain/investigation.js";
import { code, codeBlock, escapeMrkdwn, mentionUser, slackDate } from "../mrkdwn.js";
import { riskBadge } from "./format.js";
import { clusterOf, type RenderContext } from "./incident.js";
import { type Block, contexts, packMessages, type SlackMessage, sections } from "./kit.js";
import { LIMITS } from "./limits.js";

/** action_id of the Approve button; its value is the proposal's opaque token and nothing else. */
export const APPROVE_ACTION_ID = "proposal.approve";
/** action_id of the Deny button. */
export const DENY_ACTION_ID = "proposal.deny";

/** Longest change shown inline in a card; a longer one is attached as a file and the card says so. */
export const CHANGE_INLINE_LIMIT = 2400;

/** Where a proposal sits in the list, for "Fix 1 of 2". */
export interface ProposalPosition {
  index: number;
  total: number;
}

/** Whether the complete change fits in the card (else the notifier attaches it as a file). */
export function changeFitsCard(record: ProposalRecord): boolean {
  return record.proposal.change.length <= CHANGE_INLINE_LIMIT;
}

/** The file name under which a change too long for a card is attached. */
export function changeFileName(record: ProposalRecord, position: ProposalPosition): string {
  return `fix-${position.index + 1}-${record.proposal.action}-${record.proposal.target.name}.txt`;
}

/** The change as the file attached for it holds it: what, where, and every changed field. */
export function changeFile(record: ProposalRecord): string {
  const p = record.proposal;
  return `${p.action} on ${p.target.kind} ${p.target.namespace}/${p.target.name} (risk ${p.risk})\n${p.summary}\n\nExact change (what the executor sends, nothing more):\n${p.change}\n`;
}

function plainLimit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The confirm dialog restates the action and the complete change when it fits the dialog's 300
 * characters; otherwise it says how many fields change and that every one is listed in the card
 * (or its attached file) — never a partial list that could pass for the whole change.
 */
function confirmDialog(record: ProposalRecord): types.ConfirmationDialog {
  const proposal = record.proposal;
  const target = `${proposal.target.kind} ${proposal.target.name}`;
  const base = `${proposal.action} on ${target}, risk ${proposal.risk}.`;
  const full = `${base}\n${proposal.change}`;
  const lines = proposal.change.split("\n").filter((line) => line.trim().length > 0).length;
  const where = changeFitsCard(record) ? "in the card" : "in the attached file";
  const text =
    full.length <= LIMITS.confirmText
      ? full
      : plainLimit(
          `${base} It changes ${lines} field${lines === 1 ? "" : "s"}, every one listed ${where}; nothing else is applied.`,
          LIMITS.confirmText,
        );
  return {
    title: {
      type: "plain_text",
      text: plainLimit(`Apply this ${proposal.risk}-risk change?`, LIMITS.confirmTitle),
    },
    text: { type: "plain_text", text },
    confirm: { type: "plain_text", text: "Approve and apply" },
    deny: { type: "plain_text", text: "Cancel" },
    style: proposal.risk === "high" ? "danger" : "primary",
  };
}

function denyDialog(record: ProposalRecord): types.ConfirmationDialog {
  return {
    title: { type: "plain_text", text: "Deny this fix?" },
    text: {
      type: "plain_text",
      text: plainLimit(
        `${record.proposal.action} on ${record.proposal.target.kind} ${record.proposal.target.name} will not be applied and this card closes.`,
        LIMITS.confirmText,
      ),
    },
    confirm: { type: "plain_text", text: "Deny" },
    deny: { type: "plain_text", text: "Keep it open" },
    style: "danger",
  };
}

/** The card's final (or current) state in one line; undefined while it waits for a decision. */
function stateLine(record: ProposalRecord, expired: boolean): string | undefined {
  const who = mentionUser(record.decidedBy === "policy" ? undefined : record.decidedBy);
  const by = record.decidedBy === "policy" ? "the automatic policy" : who;
  const when = record.decidedAt ? ` ${slackDate(record.decidedAt)}` : "";
  const verdict = record.outcome?.validation?.verdict;
  if (expired) return `⌛ *Expired* ${slackDate(record.expiresAt)} without a decision — nothing was changed`;
  switch (record.state) {
    case "pending":
      return undefined;
    case "approved":
      return `👍 *Approved* by ${by}${when} — queued to apply`;
    case "denied":
      return `🚫 *Denied* by ${by}${when} — nothing was changed`;
    case "expired":
      return `⌛ *Expired* ${slackDate(record.expiresAt)} without a decision — nothing was changed`;
    case "executing":
      return `⚙️ *Applying* — approved by ${by}${when}`;
    case "succeeded":
      if (verdict === "resolved") return `✅ *Applied and validated: resolved* — approved by ${by}${when}`;
      if (verdict) return `⚠️ *Applied; validation: ${verdict}* — approved by ${by}${when}`;
      return `✅ *Applied* — approved by ${by}${when}`;
    case "failed":
      return `❌ *Failed* — approved by ${by}${when}: ${escapeMrkdwn(record.outcome?.message ?? "see the thread")}`;
    case "refused":
      return `⛔ *Refused at apply time* — approved by ${by}${when}: ${escapeMrkdwn(record.outcome?.message ?? "see the thread")}`;
    case "rolled-back":
      return `↩️ *Rolled back* — applied (approved by ${by}${when}), validation ${verdict ?? "failed"}, then undone`;
  }
}

/**
 * One proposed fix: what, where, how risky, and the complete change the executor will make
 * (a compact field-by-field diff, the manifest it creates, or before → after), then either the
 * Approve / Deny buttons (pending; both ask for confirmation) or its state — approved, applied,
 * validated, rolled back, failed, denied or expired. `now` decides whether a pending card has
 * expired, so a re-render never shows live buttons for it.
 */
export function proposalMessages(
  record: ProposalRecord,
  position: ProposalPosition,
  now: Date,
  context: RenderContext = {},
): SlackMessage[] {
  const proposal = record.proposal;
  const fits = changeFitsCard(record);
  const change = fits
    ? codeBlock(proposal.change)
    : `_The complete change (${proposal.change.split("\n").length} lines) is too long for a Slack message: it is attached in this thread as ${code(changeFileName(record, position))}. Review it there; the executor applies exactly that and nothing more._`;
  const lines = [
    `*Fix ${position.index + 1} of ${position.total}* · risk ${riskBadge(proposal.risk)} · ${code(proposal.action)} on *${escapeMrkdwn(`${proposal.target.kind} ${proposal.target.name}`)}*`,
    escapeMrkdwn(proposal.summary),
    `*Exact change*\n${change}`,
    // Helm or a GitOps controller owns the target: the approver must know the patch may not stick.
    ...(proposal.managedBy ? [`:warning: ${escapeMrkdwn(proposal.managedBy.warning)}`] : []),
  ];
  const blocks: Block[] = [...sections(lines.join("\n"))];
  const expired = record.state === "pending" && Date.parse(record.expiresAt) <= now.getTime();
  const decided = stateLine(record, expired);
  const where = `cluster *${escapeMrkdwn(clusterOf(context))}* · namespace *${escapeMrkdwn(proposal.target.namespace)}*`;
  if (decided) {
    blocks.push(...contexts([`${decided} · ${where}`]));
  } else {
    blocks.push(
      // The analysis identity cannot write, so the server-side dry run happens at approval, in the
      // executor, right before the change (and the change is refused if it fails).
      ...contexts([
        `${where} · fixes ${code(proposal.rootCauseId.split(":")[0] ?? "the root cause")} · dry run at approval · expires ${slackDate(record.expiresAt, "{time}")}`,
      ]),
    );
    blocks.push({
      type: "actions",
      block_id: "proposal-decision",
      elements: [
        {
          type: "button",
          action_id: APPROVE_ACTION_ID,
          text: { type: "plain_text", text: "Approve" },
          style: "primary",
          value: record.token,
          confirm: confirmDialog(record),
        },
        {
          type: "button",
          action_id: DENY_ACTION_ID,
          text: { type: "plain_text", text: "Deny" },
          style: "danger",
          value: record.token,
          confirm: denyDialog(record),
        },
      ],
    });
  }
  const target = `${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name}`;
  const state = expired ? "expired" : decided ? record.state : "approve or deny";
  const text = `[${clusterOf(context)}] Fix ${position.index + 1} (${proposal.risk} risk): ${proposal.action} on ${target} — ${state}`;
  return packMessages(text, blocks);
}
