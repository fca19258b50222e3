import type { RcaReport } from "../domain/rca.js";
import { percent, refText } from "./format.js";
import { escapeMarkdown } from "./markdown.js";

/**
 * The RCA of an investigation (Claude's, or the deterministic fallback) for the terminal and the
 * evidence directory. The first line always says which engine produced it, and why not Claude
 * when it fell back.
 */

/** `Claude (claude-…, 4 turns, 6 tool calls)` or `deterministic engine (reason)`. */
export function engineText(rca: RcaReport): string {
  if (rca.source === "model") {
    const usage = rca.usage;
    const detail = usage
      ? ` (${usage.model}, ${usage.iterations} turn${usage.iterations === 1 ? "" : "s"}, ${usage.toolCalls} tool call${usage.toolCalls === 1 ? "" : "s"})`
      : "";
    return `Claude${detail}`;
  }
  return `deterministic engine${rca.fallbackReason ? ` (Claude not used: ${rca.fallbackReason})` : ""}`;
}

/** Plain-text RCA section. */
export function renderRcaText(rca: RcaReport): string {
  const out = [`RCA by ${engineText(rca)}`, `  ${rca.summary}`];
  rca.rootCauses.forEach((cause, i) => {
    out.push(
      `  ${i + 1}. [${cause.category}] ${refText(cause.resource)} (confidence ${percent(cause.confidence)}): ${cause.name}`,
    );
    out.push(`     ${cause.summary}`);
    for (const item of cause.evidence.slice(0, 5)) out.push(`     │ ${item.quote}  [${item.source}]`);
  });
  for (const rejected of rca.hypothesesRejected) {
    out.push(`  rejected: ${rejected.hypothesis} (${rejected.reason})`);
  }
  if (rca.dangerousAssumption) out.push(`  dangerous assumption: ${rca.dangerousAssumption}`);
  if (rca.validationPlan.length > 0) {
    out.push("  validation plan:");
    for (const step of rca.validationPlan) out.push(`    - ${step}`);
  }
  for (const dropped of rca.dropped)
    out.push(`  dropped proposal: ${dropped.description} (${dropped.reason})`);
  return `${out.join("\n")}\n`;
}

/** Markdown RCA section (`## Root-cause analysis`). */
export function renderRcaMarkdown(rca: RcaReport): string {
  const out = ["## Root-cause analysis", "", `- **Engine:** ${escapeMarkdown(engineText(rca))}`];
  if (rca.confidence !== undefined) out.push(`- **Confidence:** ${percent(rca.confidence)}`);
  out.push("", escapeMarkdown(rca.summary), "");
  rca.rootCauses.forEach((cause, i) => {
    out.push(`### ${i + 1}. ${cause.category}: ${escapeMarkdown(cause.name)}`, "");
    out.push(escapeMarkdown(cause.summary), "");
    out.push(`- **Resource:** ${escapeMarkdown(refText(cause.resource))}`);
    out.push(`- **Confidence:** ${percent(cause.confidence)}`, "");
    for (const item of cause.evidence)
      out.push(`> ${escapeMarkdown(item.quote)} (${escapeMarkdown(item.source)})`, "");
  });
  if (rca.hypothesesRejected.length > 0) {
    out.push("**Rejected hypotheses**", "");
    for (const r of rca.hypothesesRejected)
      out.push(`- ${escapeMarkdown(r.hypothesis)}: ${escapeMarkdown(r.reason)}`);
    out.push("");
  }
  if (rca.validationPlan.length > 0) {
    out.push("**Validation plan**", "");
    for (const step of rca.validationPlan) out.push(`- ${escapeMarkdown(step)}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
