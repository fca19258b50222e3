import type { InvestigationStatus } from "../../domain/investigation.js";
import type { ResourceRef, Risk, Severity } from "../../domain/types.js";
import { escapeMrkdwn } from "../mrkdwn.js";

/** `Deployment prod-api/api-gateway`, escaped for mrkdwn. */
export function refText(ref: ResourceRef): string {
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return escapeMrkdwn(`${ref.kind} ${name}`);
}

/** The traffic light on the parent message: red for P1/P2, yellow for P3, green for P4. */
export function severityLight(severity: Severity | undefined): string {
  switch (severity) {
    case "P1":
    case "P2":
      return "🔴";
    case "P3":
      return "🟡";
    case "P4":
      return "🟢";
    default:
      return "⚪";
  }
}

export function riskBadge(risk: Risk): string {
  switch (risk) {
    case "low":
      return "🟢 low";
    case "medium":
      return "🟡 medium";
    case "high":
      return "🔴 high";
  }
}

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
