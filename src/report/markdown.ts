import type { TriageResult } from "../domain/types.js";
import {
  controlPlaneText,
  type InputMode,
  inputText,
  numbered,
  percent,
  refList,
  refText,
  scopeText,
  statsText,
} from "./format.js";

/** Extra context for the Markdown incident report. */
export interface MarkdownOptions {
  /** Where the evidence files were written (`--evidence-dir`), for the Evidence section. */
  evidenceDir?: string;
  /** Where the snapshot came from (a kubeconfig context, a state file path). */
  source?: string;
  /** Whether a state file was read as recorded or simulated. */
  mode?: InputMode;
}

/** Escapes text that came from the cluster (event messages, logs) so it cannot restructure the report. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (char) => `\\${char}`);
}

/** Quotes (possibly multi-line) evidence as a Markdown blockquote. */
function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join("\n");
}

/** Inline code that survives backticks inside the value. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text}${fence}`;
}

/**
 * The incident report: executive summary (control plane, blast radius, severity, headline), root
 * causes with quoted evidence, proposed remediations with risk and exact change, next steps and
 * commands, and where the evidence lives.
 */
export function renderMarkdown(result: TriageResult, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`# Incident report: ${escapeMarkdown(scopeText(result))}`, "");
  out.push("## Executive summary", "");
  out.push(`- **Severity:** ${result.severity}`);
  out.push(`- **Control plane:** ${escapeMarkdown(controlPlaneText(result))}`);
  out.push(`- **Blast radius:** ${result.blastRadius}`);
  out.push(`- **Root causes:** ${result.rootCauses.length}`);
  out.push(`- **Cluster time:** ${result.collectedAt}`);
  const input = inputText(options.source, options.mode);
  if (input) out.push(`- **Input:** ${escapeMarkdown(input)}`);
  out.push("");
  out.push(escapeMarkdown(result.headline), "");

  out.push("## Root causes", "");
  if (result.rootCauses.length === 0) out.push("No root cause found.", "");
  for (const { index, cause } of numbered(result)) {
    out.push(`### ${index}. ${cause.category}: ${escapeMarkdown(refText(cause.resource))}`, "");
    out.push(escapeMarkdown(cause.summary), "");
    out.push(`- **Confidence:** ${percent(cause.confidence)}`);
    if (cause.affected.length > 0) out.push(`- **Affected:** ${escapeMarkdown(refList(cause.affected, 20))}`);
    if (cause.causedBy) out.push(`- **Follows from:** ${code(cause.causedBy)}`);
    for (const change of cause.changes ?? [])
      out.push(`- **Changed before it:** ${escapeMarkdown(change.lead)} (${change.at})`);
    out.push("");
    if (cause.evidence.length > 0) {
      out.push("**Evidence**", "");
      for (const item of cause.evidence) out.push(quote(item), "");
    }
  }

  out.push("## Proposed remediations", "");
  if (result.remediations.length === 0) out.push("None proposed automatically; see next steps.", "");
  for (const proposal of result.remediations) {
    out.push(`### ${code(proposal.id)}`, "");
    out.push(escapeMarkdown(proposal.summary), "");
    out.push(`- **Action:** ${proposal.action} on ${escapeMarkdown(refText(proposal.target))}`);
    out.push(`- **Risk:** ${proposal.risk}`);
    out.push(`- **Fixes:** ${code(proposal.rootCauseId)}`);
    out.push(`- **Exact change:** ${code(proposal.change)}`, "");
    out.push("```json", JSON.stringify(proposal.params, null, 2), "```", "");
    const managed = proposal.managedBy;
    if (managed) {
      out.push(`**Warning:** ${escapeMarkdown(managed.warning)}`, "");
      if (managed.gitPatch)
        out.push("Commit this to the Git repository instead:", "", "```diff", managed.gitPatch, "```", "");
      if (managed.humanCommands.length > 0)
        out.push("For a human to run (the bot does not):", "", "```sh", ...managed.humanCommands, "```", "");
    }
  }

  const withSteps = numbered(result).filter(
    ({ cause }) => cause.nextSteps.length + cause.commands.length > 0,
  );
  out.push("## Next steps", "");
  if (withSteps.length === 0) out.push("Nothing further.", "");
  for (const { index, cause } of withSteps) {
    out.push(`**${index}. ${cause.category}: ${escapeMarkdown(refText(cause.resource))}**`, "");
    for (const step of cause.nextSteps) out.push(`- ${escapeMarkdown(step)}`);
    if (cause.nextSteps.length > 0) out.push("");
    if (cause.commands.length > 0) out.push("```sh", ...cause.commands, "```", "");
  }

  if (result.changes && result.changes.length > 0) {
    out.push(
      "## What changed (last hour)",
      "",
      "| Time | Change | Object | By |",
      "| --- | --- | --- | --- |",
    );
    for (const change of result.changes) {
      out.push(
        `| ${change.at} | ${escapeMarkdown(change.summary)} | ${escapeMarkdown(refText(change.resource))} | ${escapeMarkdown(change.manager ?? "")} |`,
      );
    }
    out.push("");
  }
  if (result.symptoms.length > 0) {
    out.push("## Symptoms", "", "| Class | Resources |", "| --- | --- |");
    for (const symptom of result.symptoms) {
      out.push(`| ${symptom.class} | ${escapeMarkdown(refList(symptom.resources, 10))} |`);
    }
    out.push("");
  }
  if (result.healthy.length > 0) {
    out.push("## Checked and healthy", "", escapeMarkdown(refList(result.healthy, 30)), "");
  }

  if (result.history?.length) {
    out.push("## History", "", "Warnings a later success answered; weighed, not causes.", "");
    for (const line of result.history) out.push(`- ${escapeMarkdown(line)}`);
    out.push("");
  }
  out.push("## Evidence", "");
  if (options.source) out.push(`- **Source:** ${escapeMarkdown(options.source)}`);
  out.push(`- **Looked at:** ${statsText(result)}`);
  if (options.evidenceDir) {
    out.push(
      `- **Evidence files:** ${code(options.evidenceDir)} (snapshot.yaml re-analysable with ${code(`k8s-triage triage --from-file ${options.evidenceDir}/snapshot.yaml`)})`,
    );
  }
  if (result.metricsServer) out.push(`- **Usage:** ${escapeMarkdown(result.metricsServer.message)}`);
  for (const line of result.metrics ?? []) out.push(`- **Prometheus:** ${escapeMarkdown(line)}`);
  for (const gap of result.gaps) out.push(`- **Not readable:** ${escapeMarkdown(gap.message)}`);
  return `${out.join("\n").trimEnd()}\n`;
}
