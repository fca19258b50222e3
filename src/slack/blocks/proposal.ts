import type { types } from "@slack/bolt";
import type { ProposalRecord } from "../../domain/investigation.js";
import { code, codeBlock, escapeMrkdwn, mentionUser, slackDate } from "../mrkdwn.js";
import { refText, riskBadge } from "./format.js";
import { type Block, contexts, packMessages, type SlackMessage, sections } from "./kit.js";
import { LIMITS } from "./limits.js";

/** action_id of the Approve button; its value is the proposal's opaque token and nothing else. */
export const APPROVE_ACTION_ID = "proposal.approve";
/** action_id of the Deny button. */
export const DENY_ACTION_ID = "proposal.deny";

/** Where a proposal sits in the list, for "Proposed fix 1/2". */
export interface ProposalPosition {
  index: number;
  total: number;
}

function plainLimit(text: string, max: number): string {
  // Plain-text labels cannot be split across elements; these are our own short strings, and
  // the only variable part (the target) is kept out of labels for that reason.
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The confirm dialog restates the action, target and risk. Its body is limited to 300
 * characters, so the exact change is only repeated when it fits; otherwise it points at the
 * message, which always shows the change in full.
 */
function confirmDialog(record: ProposalRecord): types.ConfirmationDialog {
  const proposal = record.proposal;
  const target = `${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name}`;
  const base = `Apply ${proposal.action} to ${target}? Risk: ${proposal.risk}.`;
  const withChange = `${base} Change: ${proposal.change}`;
  const text =
    withChange.length <= LIMITS.confirmText
      ? withChange
      : base.length + 40 <= LIMITS.confirmText
        ? `${base} The exact change is shown in the message.`
        : `Apply ${proposal.action} (risk: ${proposal.risk})? The target and exact change are shown in the message.`;
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

function decisionLine(record: ProposalRecord): string | undefined {
  const who = mentionUser(record.decidedBy);
  const when = record.decidedAt ? ` ${slackDate(record.decidedAt)}` : "";
  switch (record.state) {
    case "pending":
      return undefined;
    case "approved":
      return `✅ Approved by ${who}${when}, queued to apply`;
    case "denied":
      return `🚫 Denied by ${who}${when}`;
    case "expired":
      return `⌛ Expired ${slackDate(record.expiresAt)} without a decision`;
    case "executing":
      return `⚙️ Approved by ${who}${when}, applying now`;
    case "succeeded":
      return `✅ Approved by ${who}${when} and applied`;
    case "failed":
      return `❌ Approved by ${who}${when}; applying failed (details below)`;
    case "refused":
      return `⛔ Approved by ${who}${when}; refused at apply time (details below)`;
    case "rolled-back":
      return `↩️ Approved by ${who}${when}, applied, then rolled back`;
  }
}

/**
 * One proposed remediation: what, where, how risky, the exact change verbatim, and either the
 * Approve / Deny buttons (pending) or who decided and when (buttons gone). `now` decides whether
 * a pending proposal has already expired, so a re-render never shows live buttons for it.
 */
export function proposalMessages(
  record: ProposalRecord,
  position: ProposalPosition,
  now: Date,
): SlackMessage[] {
  const proposal = record.proposal;
  const lines = [
    `*Proposed fix ${position.index + 1}/${position.total}* · risk ${riskBadge(proposal.risk)}`,
    escapeMrkdwn(proposal.summary),
    `*Action* ${code(proposal.action)} on *${refText(proposal.target)}*`,
    `*Exact change*\n${codeBlock(proposal.change)}`,
    // Helm or a GitOps controller owns the target: the approver must know the patch may not stick.
    ...(proposal.managedBy ? [`:warning: ${escapeMrkdwn(proposal.managedBy.warning)}`] : []),
  ];
  const blocks: Block[] = [...sections(lines.join("\n"))];
  const expired = record.state === "pending" && Date.parse(record.expiresAt) <= now.getTime();
  const decided = expired
    ? `⌛ Expired ${slackDate(record.expiresAt)} without a decision`
    : decisionLine(record);
  if (decided) {
    blocks.push(...contexts([decided]));
  } else {
    blocks.push(
      ...contexts([`Fixes ${code(proposal.rootCauseId)} · expires ${slackDate(record.expiresAt, "{time}")}`]),
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
        },
      ],
    });
  }
  const target = `${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name}`;
  const state = decided ? ` — ${record.state}` : " — approve or deny";
  const text = `Proposed fix (${proposal.risk} risk): ${proposal.action} on ${target}${state}`;
  return packMessages(text, blocks);
}
