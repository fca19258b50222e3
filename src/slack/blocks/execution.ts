import type { ProposalRecord } from "../../domain/investigation.js";
import { code, codeBlock, escapeMrkdwn, mentionUser } from "../mrkdwn.js";
import { refText } from "./format.js";
import { clusterOf, type RenderContext } from "./incident.js";
import { type Block, contexts, packMessages, type SlackMessage, sections } from "./kit.js";

const VERDICT: Record<"resolved" | "partially-resolved" | "not-resolved", string> = {
  resolved: "✅ Resolved",
  "partially-resolved": "⚠️ Partially resolved",
  "not-resolved": "❌ Not resolved",
};

/**
 * What happened when an approved proposal ran: applied / refused (drift, policy, dry-run) /
 * failed, then the validation verdict with its evidence and whether it was rolled back.
 */
export function executionMessages(record: ProposalRecord, context: RenderContext = {}): SlackMessage[] {
  const proposal = record.proposal;
  const outcome = record.outcome;
  const target = refText(proposal.target);
  const blocks: Block[] = [];
  let text: string;
  if (!outcome) {
    text = `Applying ${proposal.action} on ${proposal.target.namespace}/${proposal.target.name}…`;
    blocks.push(...sections(`⚙️ Applying ${code(proposal.action)} on *${target}*…`));
    return packMessages(`[${clusterOf(context)}] ${text}`, blocks);
  }
  const plainTarget = `${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name}`;
  switch (outcome.status) {
    case "succeeded":
      text = `Applied ${proposal.action} on ${plainTarget}`;
      blocks.push(
        ...sections(`✅ Applied ${code(proposal.action)} on *${target}*\n${escapeMrkdwn(outcome.message)}`),
      );
      break;
    case "refused":
      text = `Refused ${proposal.action} on ${plainTarget}: ${outcome.message}`;
      blocks.push(
        ...sections(
          `⛔ Did not apply ${code(proposal.action)} on *${target}*: ${escapeMrkdwn(outcome.message)}`,
        ),
      );
      break;
    case "failed":
      text = `Failed to apply ${proposal.action} on ${plainTarget}: ${outcome.message}`;
      blocks.push(
        ...sections(
          `❌ Applying ${code(proposal.action)} on *${target}* failed: ${escapeMrkdwn(outcome.message)}`,
        ),
      );
      break;
  }
  const validation = outcome.validation;
  if (validation) {
    text += ` — validation: ${validation.verdict}`;
    const evidence = validation.evidence.map((line) => `• ${escapeMrkdwn(line)}`).join("\n");
    blocks.push(
      ...sections(`*Validation: ${VERDICT[validation.verdict]}*${evidence ? `\n${evidence}` : ""}`),
    );
  }
  if (outcome.rolledBack) {
    text += " — rolled back";
    blocks.push(...sections("↩️ The change was rolled back to the state recorded before it was applied."));
  }
  if (outcome.status === "succeeded" && outcome.before !== undefined && outcome.after !== undefined) {
    const diff = `before: ${JSON.stringify(outcome.before)}\nafter:  ${JSON.stringify(outcome.after)}`;
    blocks.push(...sections(`*Recorded change*\n${codeBlock(diff)}`));
  }
  const by = record.decidedBy === "policy" ? "the automatic policy" : mentionUser(record.decidedBy);
  blocks.push(
    ...contexts([
      `Cluster *${escapeMrkdwn(clusterOf(context))}*${record.decidedBy ? ` · approved by ${by}` : ""}`,
    ]),
  );
  return packMessages(`[${clusterOf(context)}] ${text}`, blocks);
}
