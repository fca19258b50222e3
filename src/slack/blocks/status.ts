import type { Investigation } from "../../domain/investigation.js";
import { escapeMrkdwn, mentionUser, slackDate } from "../mrkdwn.js";
import { analysisDone, phaseText, STATUS_SYMBOL, severityBadge } from "./format.js";
import {
  clusterOf,
  impactText,
  incidentSeverity,
  type RenderContext,
  rankedCauses,
  recommendedAction,
  topCauseSentence,
} from "./incident.js";
import { type Block, contexts, type SlackMessage, sections } from "./kit.js";

const SOURCE_TEXT: Record<Investigation["trigger"]["source"], string> = {
  "slash-command": "/triage",
  "alert-message": "an alert in this channel",
  mention: "a mention",
  watcher: "a Kubernetes Warning event",
  alertmanager: "an Alertmanager webhook",
  cli: "the CLI",
};

function requester(investigation: Investigation): string {
  const by = investigation.trigger.requestedBy;
  return by ? ` for ${mentionUser(by)}` : "";
}

function durationText(investigation: Investigation): string | undefined {
  const ms = Date.parse(investigation.updatedAt) - Date.parse(investigation.createdAt);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** What the fixes that were validated did, for the resolved headline. */
function fixedBy(investigation: Investigation): string {
  const fixes = investigation.proposals
    .filter((record) => record.outcome?.validation?.verdict === "resolved")
    .map(
      (record) =>
        `${record.proposal.action} on ${record.proposal.target.kind} ${record.proposal.target.name}`,
    );
  return fixes.length > 0 ? `${fixes.join("; ")} applied and validated` : "validated";
}

/** The status line of a finished analysis: where the incident is now, in words. */
function statusLine(investigation: Investigation): string {
  const symbol = STATUS_SYMBOL[investigation.status];
  switch (investigation.status) {
    case "resolved":
      return `${symbol} Resolved — ${escapeMrkdwn(fixedBy(investigation))}`;
    case "failed":
      return `${symbol} Not resolved: ${escapeMrkdwn(investigation.error ?? "unknown error")}`;
    case "completed":
      return `${symbol} Analysis done — no automatic fix; follow the steps in the thread`;
    case "proposed": {
      const pending = investigation.proposals.filter((record) => record.state === "pending").length;
      if (pending === 0 && investigation.proposals.some((record) => record.state === "expired"))
        return "⌛ No decision: the fixes expired; run /triage again for fresh ones";
      return `${symbol} Waiting for approval (${pending} fix${pending === 1 ? "" : "es"} in the thread)`;
    }
    default:
      return `${symbol} ${phaseText(investigation.status)}`;
  }
}

/**
 * The thread's parent (or the status message in someone else's alert thread), updated in place:
 * while it runs, the phase; once analysed, the answer first — the top root cause in one sentence,
 * the severity, the impact, cluster and namespace, the status, and what to do now.
 */
export function statusMessage(investigation: Investigation, context: RenderContext = {}): SlackMessage {
  const namespace = investigation.trigger.namespace;
  const ns = escapeMrkdwn(namespace);
  const cluster = escapeMrkdwn(clusterOf(context));
  const where = `cluster *${cluster}* · namespace *${ns}*`;
  const notes: string[] = [
    `Started ${slackDate(investigation.createdAt)} by ${SOURCE_TEXT[investigation.trigger.source]}${requester(investigation)}`,
  ];
  const alert = investigation.trigger.source === "alertmanager" ? investigation.trigger.text : undefined;
  const lead = alert ? `*🔔 ${escapeMrkdwn(alert.split("\n")[0] ?? alert)}*\n` : "";
  let blocks: Block[];
  let text: string;
  const top = topCauseSentence(investigation);
  if (investigation.status === "failed" && !investigation.rca) {
    const error = investigation.error ?? "unknown error";
    blocks = sections(`${lead}❌ Investigation of ${where} failed: ${escapeMrkdwn(error)}`);
    text = `[${clusterOf(context)}] Investigation of ${namespace} failed: ${error}`;
  } else if (!analysisDone(investigation.status)) {
    blocks = sections(
      `${lead}🔎 Investigating ${where}${requester(investigation)}… _${phaseText(investigation.status)}_`,
    );
    text = `[${clusterOf(context)}] Investigating ${namespace}… (${phaseText(investigation.status)})`;
  } else {
    const severity = incidentSeverity(investigation);
    const resolved = investigation.status === "resolved";
    const cause = top
      ? `*${resolved ? "Was" : "Root cause"}:* ${escapeMrkdwn(top)}`
      : "*No root cause found:* nothing is failing here.";
    const action = recommendedAction(investigation);
    const lines = [`${lead}${severityBadge(severity)} · ${where}`, cause];
    if (!resolved && action) lines.push(`*Do now:* ${escapeMrkdwn(action)}`);
    blocks = [
      ...sections(lines.join("\n")),
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Impact*\n${escapeMrkdwn(impactText(investigation))}` },
          { type: "mrkdwn", text: `*Status*\n${statusLine(investigation)}` },
        ],
      },
    ];
    const causes = rankedCauses(investigation).length;
    const duration = durationText(investigation);
    notes.push(
      `${causes} root cause${causes === 1 ? "" : "s"} · ${investigation.proposals.length} fix${investigation.proposals.length === 1 ? "" : "es"} proposed${duration ? ` · ${duration} so far` : ""}`,
    );
    const head = resolved ? `✅ resolved — ${fixedBy(investigation)}` : (top ?? "no root cause found");
    text = `${severity ?? ""} [${clusterOf(context)}] ${namespace}: ${head}`.trim();
  }
  if (investigation.trigger.text && !alert) notes.push(`“${escapeMrkdwn(investigation.trigger.text)}”`);
  return { text, blocks: [...blocks, ...contexts(notes)] };
}
