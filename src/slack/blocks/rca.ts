import type { RcaReport, RcaRootCause } from "../../domain/rca.js";
import { escapeMrkdwn } from "../mrkdwn.js";
import { percent, refText, severityLight } from "./format.js";
import { type Block, contexts, divider, header, packMessages, type SlackMessage, sections } from "./kit.js";

/** How much evidence stays inline per root cause when the full text goes up as a file. */
export const INLINE_QUOTES_WHEN_ATTACHED = 2;

/** Total evidence characters above which the notifier attaches the evidence as a file. */
export const EVIDENCE_INLINE_LIMIT = 4000;

export interface RcaRenderOptions {
  /** When the full evidence is attached as a file, show only the first quotes and say so. */
  evidenceAttached?: boolean;
}

function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => `> ${escapeMrkdwn(line)}`)
    .join("\n");
}

function causeBlocks(cause: RcaRootCause, index: number, options: RcaRenderOptions): Block[] {
  const lines = [
    `*${index + 1}. ${escapeMrkdwn(cause.name)}* · ${refText(cause.resource)} · confidence ${percent(cause.confidence)}`,
    escapeMrkdwn(cause.summary),
  ];
  if (cause.affected.length > 0) lines.push(`_Affected:_ ${cause.affected.map(refText).join(", ")}`);
  for (const change of cause.changes ?? [])
    lines.push(`:clock3: _Changed before it:_ ${escapeMrkdwn(change.lead)} (${change.at})`);
  const shown = options.evidenceAttached
    ? cause.evidence.slice(0, INLINE_QUOTES_WHEN_ATTACHED)
    : cause.evidence;
  for (const evidence of shown)
    lines.push(`${quote(evidence.quote)}\n_source: ${escapeMrkdwn(evidence.source)}_`);
  const hidden = cause.evidence.length - shown.length;
  if (hidden > 0)
    lines.push(`_…and ${hidden} more quote${hidden === 1 ? "" : "s"} in the attached evidence file._`);
  return sections(lines.join("\n"));
}

/** The total length of all evidence quotes, used to decide whether to attach a file. */
export function evidenceLength(rca: RcaReport): number {
  return rca.rootCauses.reduce(
    (sum, cause) => sum + cause.evidence.reduce((inner, evidence) => inner + evidence.quote.length, 0),
    0,
  );
}

/** The full evidence as plain text, for the file attached to the thread. */
export function evidenceFile(rca: RcaReport): string {
  const parts = rca.rootCauses.map((cause, index) => {
    const quotes = cause.evidence.map((evidence) => `--- ${evidence.source}\n${evidence.quote}`).join("\n\n");
    return `# ${index + 1}. ${cause.name} (${cause.resource.kind} ${cause.resource.namespace}/${cause.resource.name})\n\n${quotes}`;
  });
  return `${parts.join("\n\n")}\n`;
}

/**
 * The root-cause analysis: summary, causes with evidence, rejected hypotheses, the assumption
 * that would make us wrong, and how we will know it is fixed. Long analyses become several
 * messages; nothing is cut.
 */
export function rcaMessages(rca: RcaReport, options: RcaRenderOptions = {}): SlackMessage[] {
  const blocks: Block[] = [header(`${severityLight(rca.severity)} Root-cause analysis · ${rca.severity}`)];
  blocks.push(...sections(escapeMrkdwn(rca.summary)));
  rca.rootCauses.forEach((cause, index) => {
    blocks.push(...causeBlocks(cause, index, options));
  });
  if (rca.hypothesesRejected.length > 0) {
    const lines = rca.hypothesesRejected.map(
      (item) => `• ~${escapeMrkdwn(item.hypothesis)}~ — ${escapeMrkdwn(item.reason)}`,
    );
    blocks.push(...sections(`*Ruled out*\n${lines.join("\n")}`));
  }
  if (rca.dangerousAssumption) {
    blocks.push(...sections(`*What would make this wrong*\n${escapeMrkdwn(rca.dangerousAssumption)}`));
  }
  if (rca.validationPlan.length > 0) {
    const lines = rca.validationPlan.map((item) => `☐ ${escapeMrkdwn(item)}`);
    blocks.push(...sections(`*How we will know it is fixed*\n${lines.join("\n")}`));
  }
  for (const manual of rca.manualChanges ?? []) {
    const m = manual.managedBy;
    const parts = [`*For a human: ${escapeMrkdwn(manual.summary)}*`, `:warning: ${escapeMrkdwn(m.warning)}`];
    if (m.gitPatch) parts.push(`Commit to Git:\n\`\`\`${m.gitPatch}\`\`\``);
    if (m.humanCommands.length > 0) parts.push(`\`\`\`${m.humanCommands.join("\n")}\`\`\``);
    blocks.push(...sections(parts.join("\n")));
  }
  if (rca.dropped.length > 0) {
    const lines = rca.dropped.map(
      (item) => `• ${escapeMrkdwn(item.description)} — ${escapeMrkdwn(item.reason)}`,
    );
    blocks.push(...sections(`*Suggestions not offered*\n${lines.join("\n")}`));
  }
  blocks.push(divider());
  const footer: string[] = [];
  if (rca.source === "model" && rca.usage) {
    const usage = rca.usage;
    footer.push(
      `Analysed by ${escapeMrkdwn(usage.model)} · ${usage.toolCalls} tool calls · ${usage.inputTokens + usage.outputTokens} tokens · $${usage.costUsd.toFixed(3)}`,
    );
  } else if (rca.source === "deterministic") {
    footer.push(
      `Deterministic analysis${rca.fallbackReason ? ` (model not used: ${escapeMrkdwn(rca.fallbackReason)})` : ""}`,
    );
  }
  footer.push(`${rca.proposals.length} remediation${rca.proposals.length === 1 ? "" : "s"} proposed below`);
  blocks.push(...contexts(footer));
  const first = rca.rootCauses[0];
  const text = `Root cause (${rca.severity}): ${first ? `${first.name} — ` : ""}${rca.summary}`;
  return packMessages(text, blocks);
}
