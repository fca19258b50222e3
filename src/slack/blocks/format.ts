import type { InvestigationStatus } from "../../domain/investigation.js";
import type { ResourceRef, Risk, Severity } from "../../domain/types.js";
import { escapeMrkdwn } from "../mrkdwn.js";

/** `Deployment prod-api/api-gateway`, escaped for mrkdwn. */
export function refText(ref: ResourceRef): string {
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return escapeMrkdwn(`${ref.kind} ${name}`);
}

/**
 * Three symbol families that never share a glyph, so a reader can tell them apart at a glance:
 * severity is a filled square, risk a diamond/triangle, status a circle or a mark. (One green
 * emoji used to mean P4, low risk and resolved at once.)
 */
export const SEVERITY_SYMBOL: Record<Severity, string> = { P1: "🟥", P2: "🟧", P3: "🟨", P4: "🟦" };
export const RISK_SYMBOL: Record<Risk, string> = { low: "🔹", medium: "🔸", high: "🔺" };

/** The severity badge of an incident (`🟥 P1`); ⬜ when not known yet. */
export function severityLight(severity: Severity | undefined): string {
  return severity ? SEVERITY_SYMBOL[severity] : "⬜";
}

/** `🟥 P1`, the same on every message of an incident. */
export function severityBadge(severity: Severity | undefined): string {
  return severity ? `${SEVERITY_SYMBOL[severity]} ${severity}` : "⬜ severity unknown";
}

export function riskBadge(risk: Risk): string {
  return `${RISK_SYMBOL[risk]} ${risk}`;
}

/** Status marks: circles and ticks only (never a square or a diamond). */
export const STATUS_SYMBOL: Record<InvestigationStatus, string> = {
  queued: "🔎",
  collecting: "🔎",
  analyzing: "🔎",
  proposed: "⏳",
  completed: "⚪",
  approved: "👍",
  denied: "🚫",
  executing: "⚙️",
  validating: "🧪",
  resolved: "✅",
  failed: "❌",
};

/** Human wording of a phase, as shown while an investigation runs. */
export function phaseText(status: InvestigationStatus): string {
  const phases: Record<InvestigationStatus, string> = {
    queued: "queued",
    collecting: "collecting cluster state",
    analyzing: "analyzing",
    proposed: "waiting for approval",
    completed: "done",
    approved: "approved, about to apply",
    denied: "proposal denied",
    executing: "applying the approved change",
    validating: "validating the fix",
    resolved: "resolved",
    failed: "failed",
  };
  return phases[status];
}

/** Whether the investigation phase (not remediation) has finished. */
export function analysisDone(status: InvestigationStatus): boolean {
  return status !== "queued" && status !== "collecting" && status !== "analyzing";
}

export function percent(confidence: number): string {
  return `${Math.round(Math.max(0, Math.min(1, confidence)) * 100)}%`;
}
