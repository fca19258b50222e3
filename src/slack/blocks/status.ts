import type { Investigation } from "../../domain/investigation.js";
import { escapeMrkdwn, mentionUser, slackDate } from "../mrkdwn.js";
import { analysisDone, phaseText, severityLight } from "./format.js";
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

/**
 * The thread's parent (or the status message in an alert thread), updated in place as the
 * investigation moves: running → finished with headline and severity light → failed.
 */
export function statusMessage(investigation: Investigation): SlackMessage {
  const ns = escapeMrkdwn(investigation.trigger.namespace);
  const context: string[] = [
    `Started ${slackDate(investigation.createdAt)} by ${SOURCE_TEXT[investigation.trigger.source]}`,
  ];
  let line: string;
  let text: string;
  if (investigation.status === "failed") {
    const error = investigation.error ?? "unknown error";
    line = `❌ Investigation of *${ns}* failed: ${escapeMrkdwn(error)}`;
    text = `Investigation of ${investigation.trigger.namespace} failed: ${error}`;
  } else if (!analysisDone(investigation.status)) {
    line = `🔎 Investigating *${ns}*${requester(investigation)}… _${phaseText(investigation.status)}_`;
    text = `Investigating ${investigation.trigger.namespace}… (${phaseText(investigation.status)})`;
  } else {
    const severity = investigation.rca?.severity ?? investigation.triage?.severity;
    const headline = investigation.triage?.headline ?? investigation.rca?.summary ?? "investigation finished";
    const fixes = investigation.proposals
      .filter((record) => record.outcome?.validation?.verdict === "resolved")
      .map(
        (record) =>
          `${record.proposal.action} on ${record.proposal.target.kind} ${record.proposal.target.name}`,
      );
    if (investigation.status === "resolved") {
      // Green must read as "fixed", so the headline says what fixed it; the original finding stays below.
      const how = fixes.length > 0 ? `${fixes.join("; ")} applied and validated` : "validated";
      line = `🟢 *${ns}*: resolved — ${escapeMrkdwn(how)}`;
      text = `🟢 ${investigation.trigger.namespace}: resolved — ${how}`;
      context.push(`Was: ${escapeMrkdwn(headline)}${severity ? ` (${severity})` : ""}`);
    } else {
      const light = severityLight(severity);
      line = `${light} *${ns}*: ${escapeMrkdwn(headline)}${severity ? ` · *${severity}*` : ""}`;
      text = `${light} ${investigation.trigger.namespace}: ${headline}${severity ? ` (${severity})` : ""}`;
    }
    const causes = investigation.rca?.rootCauses.length ?? investigation.triage?.rootCauses.length ?? 0;
    const duration = durationText(investigation);
    context.push(
      `${causes} root cause${causes === 1 ? "" : "s"} · ${investigation.proposals.length} proposal${investigation.proposals.length === 1 ? "" : "s"}`,
      `Status: ${phaseText(investigation.status)}${duration ? ` · took ${duration}` : ""}`,
    );
    if (investigation.trigger.requestedBy)
      context.push(`Requested by ${mentionUser(investigation.trigger.requestedBy)}`);
  }
  if (investigation.trigger.text) context.push(`“${escapeMrkdwn(investigation.trigger.text)}”`);
  const blocks: Block[] = [...sections(line), ...contexts(context)];
  return { text, blocks };
}
