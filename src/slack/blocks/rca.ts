import type { Investigation } from "../../domain/investigation.js";
import type { RcaEvidence, RcaReport, RcaRootCause } from "../../domain/rca.js";
import { escapeMrkdwn } from "../mrkdwn.js";
import { THREAD_BUDGET } from "./budget.js";
import { percent, severityBadge } from "./format.js";
import {
  actionFor,
  affectedCounts,
  clusterOf,
  firstSentence,
  incidentSeverity,
  type RenderContext,
  rankedCauses,
  shortRef,
  triageCause,
} from "./incident.js";
import { type Block, contexts, type SlackMessage, sections } from "./kit.js";

/** The validation windows as the policy sets them, so the thread promises what really happens. */
export interface ValidationWindows {
  timeoutSeconds: number;
  settleSeconds: number;
}

/** What the RCA reply needs beyond the record. */
export interface RcaRenderOptions extends RenderContext {
  validation?: ValidationWindows;
  /** Fixes that got no card of their own (over the thread budget); they are in the evidence file. */
  uncarded?: number;
}

/** Where a quote came from, in words: never a tool-use id. */
export function sourceLabel(evidence: RcaEvidence): string {
  if (evidence.label) return evidence.label;
  if (evidence.source === "triage") return "cluster snapshot";
  if (evidence.source === "rca") return "the analysis above";
  return "a read-only lookup during the analysis";
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The decisive evidence line: the first quote (the engines put the strongest first). */
function decisive(cause: RcaRootCause): string | undefined {
  const first = cause.evidence[0];
  if (!first) return undefined;
  const label = sourceLabel(first);
  // Quote and source share one line of the thread pane.
  const room = Math.max(40, THREAD_BUDGET.causeLineChars - label.length - 6);
  return `> ${escapeMrkdwn(oneLine(first.quote, room))} — _${escapeMrkdwn(label)}_`;
}

/** One cause in at most three lines: what failed, the decisive evidence, what to do. */
function causeText(investigation: Investigation, cause: RcaRootCause, index: number): string {
  const affected = cause.affected.length > 0 ? ` · ${affectedCounts(cause.affected)} affected` : "";
  const max = THREAD_BUDGET.causeLineChars;
  // The deterministic names already say which object; a model's may not.
  const where = cause.name.includes(cause.resource.name)
    ? ""
    : ` — ${escapeMrkdwn(shortRef(cause.resource))}`;
  // The namespace is in the reply's first line; repeating it on every cause costs a line.
  const name = cause.resource.namespace
    ? cause.name.split(`${cause.resource.namespace}/`).join("")
    : cause.name;
  const lines = [
    `*${index + 1}. ${escapeMrkdwn(oneLine(name, max - 20))}*${where} · ${percent(cause.confidence)} sure${affected}`,
  ];
  // A change that explains the cause is the decisive line; else the strongest quote.
  const change = cause.changes?.[0];
  const evidence = change
    ? `🕒 _Changed before it:_ ${escapeMrkdwn(oneLine(change.lead, 2 * max))}`
    : decisive(cause);
  if (evidence) lines.push(evidence);
  const action = actionFor(investigation, cause);
  lines.push(
    `→ ${escapeMrkdwn(oneLine(action ?? "no automatic fix; the evidence file has the commands", max))}`,
  );
  return lines.join("\n");
}

/** The validation windows in a few words, for the reply's footer. */
function validationShort(windows: ValidationWindows | undefined): string {
  if (!windows) return "the bot re-checks pods and events after a fix";
  return `pods Ready within ${windows.timeoutSeconds} s, then ${windows.settleSeconds} s with no restarts or new Warnings`;
}

/** How validation really runs, in one sentence. */
export function validationText(windows: ValidationWindows | undefined): string {
  if (!windows) return "after an approved change the bot re-checks the pods and events and reports here";
  return `after an approved change the bot polls until the target's pods are Ready (up to ${windows.timeoutSeconds} s), then requires ${windows.settleSeconds} s with no restarts and no new Warning events`;
}

/**
 * The thread's first reply: the root-cause analysis, ranked, each cause in at most three lines,
 * affected objects as counts. It replaces the separate triage summary: everything longer (every
 * affected object, every quote, commands, rejected hypotheses, the full validation plan) is in the
 * evidence file (`evidenceFile`).
 */
export function rcaMessage(investigation: Investigation, options: RcaRenderOptions = {}): SlackMessage {
  const rca = investigation.rca;
  const causes = rankedCauses(investigation);
  const severity = incidentSeverity(investigation);
  const ns = investigation.trigger.namespace;
  const summary = rca?.summary ?? investigation.triage?.headline ?? "";
  // The rule-based summary is the triage headline, which the parent already shows as the impact:
  // repeating it costs a line of the first screen.
  const repeatsParent = summary === investigation.triage?.headline;
  const blocks: Block[] = [
    ...sections(
      `*Root-cause analysis* · ${severityBadge(severity)} · cluster *${escapeMrkdwn(clusterOf(options))}* · namespace *${escapeMrkdwn(ns)}*${repeatsParent ? "" : `\n${escapeMrkdwn(firstSentence(summary, THREAD_BUDGET.causeLineChars))}`}`,
    ),
  ];
  const shown = causes.slice(0, THREAD_BUDGET.maxCausesInline);
  for (const [index, cause] of shown.entries())
    blocks.push(...sections(causeText(investigation, cause, index)));
  if (causes.length === 0) blocks.push(...sections("No root cause found: nothing is failing here."));
  const notes: string[] = [];
  const more = causes.length - shown.length;
  if (more > 0) {
    const objects = causes.slice(shown.length).reduce((sum, cause) => sum + 1 + cause.affected.length, 0);
    notes.push(`*${more} more root cause${more === 1 ? "" : "s"}* (${objects} objects) in the evidence file`);
  }
  const ruledOut = rca?.hypothesesRejected.length ?? 0;
  if (ruledOut > 0) notes.push(`Ruled out ${ruledOut} hypothes${ruledOut === 1 ? "is" : "es"}`);
  if (options.uncarded)
    notes.push(
      `${options.uncarded} more fix${options.uncarded === 1 ? " is" : "es are"} in the evidence file; re-run /triage after these for their buttons`,
    );
  for (const manual of rca?.manualChanges ?? []) {
    const m = manual.managedBy;
    const parts = [`*For a human: ${escapeMrkdwn(manual.summary)}*`, `:warning: ${escapeMrkdwn(m.warning)}`];
    if (m.gitPatch) parts.push(`Commit to Git:\n\`\`\`${m.gitPatch}\`\`\``);
    if (m.humanCommands.length > 0) parts.push(`\`\`\`${m.humanCommands.join("\n")}\`\`\``);
    blocks.push(...sections(parts.join("\n")));
  }
  notes.push(`Fixed when: ${validationShort(options.validation)}`);
  if (rca?.source === "model" && rca.usage) {
    const usage = rca.usage;
    notes.push(
      `Analysed by ${escapeMrkdwn(usage.model)} · ${usage.toolCalls} tool calls · ${usage.inputTokens + usage.outputTokens} tokens · $${usage.costUsd.toFixed(3)}`,
    );
  } else if (rca?.source === "deterministic") {
    // Why the model was not used is in the evidence file.
    notes.push("Rule-based analysis");
  }
  blocks.push(...contexts([notes.join(" · ")]));
  const top = causes[0];
  const text = `[${clusterOf(options)}] Root cause (${severity ?? "?"}) in ${ns}: ${top ? `${shortRef(top.resource)}: ${firstSentence(top.summary, 200)}` : "none found"}`;
  return { text, blocks };
}

function refLine(ref: { kind: string; namespace: string; name: string }): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/**
 * The evidence file attached to the thread: every cause with every affected object, every quote
 * with its source, the manual steps and commands, then what was ruled out and the validation
 * plan, and every proposed fix with its exact change. Plain text; nothing cut.
 */
export function evidenceFile(investigation: Investigation, options: RcaRenderOptions = {}): string {
  const rca: RcaReport | undefined = investigation.rca;
  const out: string[] = [
    `Incident evidence · cluster ${clusterOf(options)} · namespace ${investigation.trigger.namespace}`,
    `Severity ${incidentSeverity(investigation) ?? "unknown"} · ${rca?.summary ?? investigation.triage?.headline ?? ""}`,
    rca?.source === "deterministic"
      ? `Rule-based analysis${rca.fallbackReason ? ` (model not used: ${rca.fallbackReason})` : ""}`
      : `Analysed by ${rca?.usage?.model ?? "the model"}`,
    // Whether usage numbers (kubectl top) were part of the evidence, or why not.
    ...(investigation.triage?.metricsServer ? [`Usage: ${investigation.triage.metricsServer.message}`] : []),
    "",
  ];
  for (const [index, cause] of rankedCauses(investigation).entries()) {
    out.push(
      `# ${index + 1}. ${cause.name} (${refLine(cause.resource)}) · confidence ${percent(cause.confidence)}`,
    );
    out.push(cause.summary, "");
    if (cause.affected.length > 0) {
      out.push(
        `Affected (${cause.affected.length}):`,
        ...cause.affected.map((ref) => `  - ${refLine(ref)}`),
        "",
      );
    }
    for (const evidence of cause.evidence) out.push(`--- ${sourceLabel(evidence)}`, evidence.quote, "");
    if (cause.changes?.length)
      out.push(
        "Changed before it:",
        ...cause.changes.map((change) => `  - ${change.lead} (${change.at})`),
        "",
      );
    const triage = triageCause(investigation, cause);
    if (triage?.nextSteps.length)
      out.push("Next steps:", ...triage.nextSteps.map((step) => `  - ${step}`), "");
    if (triage?.commands.length)
      out.push("Commands:", ...triage.commands.map((command) => `  $ ${command}`), "");
  }
  const metrics = investigation.triage?.metrics ?? [];
  if (metrics.length > 0) out.push("# Metrics (Prometheus)", ...metrics.map((line) => `  - ${line}`), "");
  if (rca?.hypothesesRejected.length) {
    out.push(
      "# Ruled out",
      ...rca.hypothesesRejected.map((item) => `  - ${item.hypothesis}: ${item.reason}`),
      "",
    );
  }
  if (rca?.dangerousAssumption) out.push("# What would make this wrong", rca.dangerousAssumption, "");
  if (rca?.validationPlan.length) {
    out.push("# How we will know it is fixed", ...rca.validationPlan.map((item) => `  [ ] ${item}`));
    out.push(`  (${validationText(options.validation)})`, "");
  }
  if (rca?.dropped.length) {
    out.push(
      "# Suggestions not offered",
      ...rca.dropped.map((item) => `  - ${item.description}: ${item.reason}`),
      "",
    );
  }
  if (investigation.proposals.length > 0) {
    out.push("# Proposed fixes");
    for (const [index, record] of investigation.proposals.entries()) {
      const proposal = record.proposal;
      out.push(
        `## Fix ${index + 1}: ${proposal.action} on ${refLine(proposal.target)} (risk ${proposal.risk})`,
        proposal.summary,
        "Exact change:",
        proposal.change,
        "",
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/** Whether the reply leaves anything out that only the evidence file has. */
export function needsEvidenceFile(investigation: Investigation): boolean {
  const causes = rankedCauses(investigation);
  const rca = investigation.rca;
  return (
    causes.length > THREAD_BUDGET.maxCausesInline ||
    causes.some((cause) => cause.evidence.length > 1 || cause.affected.length > 0) ||
    (rca?.hypothesesRejected.length ?? 0) > 0 ||
    (rca?.validationPlan.length ?? 0) > 0 ||
    (investigation.triage?.metrics?.length ?? 0) > 0
  );
}
