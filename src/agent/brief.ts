import type { Trigger } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { ResourceRef, TriageResult } from "../domain/types.js";
import { wrapUntrusted } from "./result-text.js";
import { scrubText, scrubTokens } from "./scrub.js";

/**
 * First user turns: the deterministic findings in a compact form (names and verbatim evidence,
 * not raw objects) so the model starts from what is known, and the trigger's words marked as
 * untrusted. Everything passes the secret scan.
 */

const MAX_REFS = 8;
const MAX_EVIDENCE = 4;
const MAX_QUOTE = 300;

function ref(r: ResourceRef): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}

function refs(list: ResourceRef[]): string {
  const shown = list.slice(0, MAX_REFS).map(ref).join(", ");
  return list.length > MAX_REFS ? `${shown} (+${list.length - MAX_REFS} more)` : shown;
}

/** A free-text field (summary, evidence, change), flattened, scrubbed and shortened. */
function quote(text: string): string {
  const flat = scrubText(text.replace(/\s+/g, " ").trim());
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE)}…` : flat;
}

/** The triage result as compact lines. */
export function triageDigest(triage: TriageResult): string {
  const lines = [
    `namespace: ${triage.namespace}   collected: ${triage.collectedAt}`,
    `headline: ${quote(triage.headline)}`,
    `severity: ${triage.severity}   blast radius: ${triage.blastRadius}   control plane: ${triage.controlPlane.status}${triage.controlPlane.failing?.length ? ` (failing: ${triage.controlPlane.failing.join(", ")})` : ""}`,
    `pods: ${triage.stats.pods}   events: ${triage.stats.events}`,
  ];
  if (triage.symptoms.length) {
    lines.push("symptoms:");
    for (const s of triage.symptoms) lines.push(`- ${s.class}: ${refs(s.resources)}`);
  }
  lines.push(triage.rootCauses.length ? "root causes (ranked):" : "root causes: none found");
  for (const c of triage.rootCauses) {
    lines.push(`- [${c.id}] ${c.category} (confidence ${c.confidence}): ${quote(c.summary)}`);
    if (c.affected.length) lines.push(`  affected: ${refs(c.affected)}`);
    if (c.causedBy) lines.push(`  caused by: ${c.causedBy}`);
    for (const change of c.changes ?? [])
      lines.push(`  changed before it: ${quote(change.lead)} (${change.at})`);
    for (const e of c.evidence.slice(0, MAX_EVIDENCE)) lines.push(`  evidence: ${quote(e)}`);
    if (c.evidence.length > MAX_EVIDENCE)
      lines.push(`  (+${c.evidence.length - MAX_EVIDENCE} more evidence lines)`);
  }
  if (triage.remediations.length) {
    lines.push("deterministic proposals:");
    for (const p of triage.remediations) lines.push(`- [${p.id}] risk ${p.risk}: ${quote(p.change)}`);
  }
  if (triage.healthy.length) lines.push(`healthy (checked): ${refs(triage.healthy)}`);
  if (triage.metrics?.length) {
    lines.push("metrics (Prometheus):");
    for (const m of triage.metrics) lines.push(`- ${quote(m)}`);
  }
  if (triage.gaps.length) {
    lines.push("could not read:");
    for (const g of triage.gaps)
      lines.push(`- ${g.resource}${g.namespace ? ` in ${g.namespace}` : ""}: ${g.reason}`);
  }
  return lines.join("\n");
}

function triggerText(trigger: Trigger): string {
  const head = `source: ${trigger.source}${trigger.target ? `   target: ${ref(trigger.target)}` : ""}`;
  return trigger.text ? `${head}\n${scrubText(trigger.text.slice(0, 2000))}` : head;
}

/**
 * First turn of an investigation. Free-text fields were scrubbed one by one; the whole text only
 * gets the token scan, so ids like `missing-secret:Deployment/…` survive.
 */
export function investigationBrief(triage: TriageResult, trigger: Trigger): string {
  return scrubTokens(
    [
      `Investigate namespace '${trigger.namespace}'. Remediations may only target this namespace.`,
      "The request that started this investigation (operator's words or alert text):",
      wrapUntrusted("trigger", triggerText(trigger)),
      "Deterministic triage findings (evidence quotes cluster data):",
      wrapUntrusted("triage", triageDigest(triage)),
      'Confirm or correct these findings with the tools, then call submit_rca. Cite evidence by tool_use id or "triage".',
    ].join("\n\n"),
  );
}

/** The stored RCA as compact lines (for validation and follow-up). */
export function rcaDigest(rca: RcaReport): string {
  const lines = [`summary: ${quote(rca.summary)}`, `severity: ${rca.severity}   source: ${rca.source}`];
  // Names come from the model or the engine; quote() scrubs them like any free text.
  for (const c of rca.rootCauses) {
    lines.push(
      `- root cause ${c.category} "${c.name}" at ${ref(c.resource)} (confidence ${c.confidence}): ${quote(c.summary)}`,
    );
    for (const e of c.evidence.slice(0, MAX_EVIDENCE)) lines.push(`  evidence: ${quote(e.quote)}`);
  }
  for (const p of rca.proposals) lines.push(`- proposal [${p.id}] risk ${p.risk}: ${quote(p.change)}`);
  if (rca.validationPlan.length) {
    lines.push("validation plan:");
    lines.push(...rca.validationPlan.map((criterion, i) => `  ${i + 1}. ${quote(criterion)}`));
  }
  return lines.join("\n");
}
