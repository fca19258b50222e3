import type { Investigation } from "../../domain/investigation.js";
import type { RcaRootCause } from "../../domain/rca.js";
import { progressText, type ResolutionProgress, resolutionProgress } from "../../domain/resolution.js";
import { escapeMrkdwn, mentionUser, slackDate } from "../mrkdwn.js";
import { analysisDone, phaseText, STATUS_SYMBOL, severityBadge } from "./format.js";
import {
  actionFor,
  causeId,
  clusterOf,
  firstSentence,
  impactText,
  incidentSeverity,
  type RenderContext,
  rankedCauses,
  recommendedAction,
  shortRef,
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
function fixedBy(progress: ResolutionProgress): string {
  const fixes = progress.validatedFixes;
  return fixes.length > 0 ? `${fixes.join("; ")} applied and validated` : "validated";
}

/** The highest-ranked cause the progress still counts as open. */
function firstOpenCause(
  investigation: Investigation,
  progress: ResolutionProgress,
): RcaRootCause | undefined {
  const open = new Set(progress.open.map((cause) => cause.id));
  return rankedCauses(investigation).find((cause) => open.has(causeId(cause)));
}

/**
 * The impact as of now: the analysis' "5 of 6 deployments down", less the Deployments whose fix
 * validation has since seen Ready (the others are as the analysis found them).
 */
function impactNow(investigation: Investigation, progress: ResolutionProgress): string {
  const impact = impactText(investigation);
  const healed = progress.fixed.filter((cause) => cause.resource.kind === "Deployment").length;
  const counted = /^(\d+) of (\d+) deployments down/.exec(impact);
  if (!counted || healed === 0) return impact;
  const down = Math.max(0, Number(counted[1]) - healed);
  return impact.replace(counted[0], `${down} of ${counted[2]} deployments down`);
}

/** The status line of a finished analysis: where the incident is now, in words. */
function statusLine(investigation: Investigation, progress: ResolutionProgress): string {
  const symbol = STATUS_SYMBOL[investigation.status];
  // Some root causes fixed, others not: the parent's Progress line says which (not repeated here).
  const partial = progressText(progress);
  switch (investigation.status) {
    case "resolved":
      return `${symbol} Resolved — ${escapeMrkdwn(fixedBy(progress))}`;
    case "failed":
      return `${symbol} Not resolved: ${escapeMrkdwn(investigation.error ?? "unknown error")}`;
    case "completed":
      return partial
        ? `${symbol} Partly fixed — the rest needs the manual steps in the thread`
        : `${symbol} Analysis done — no automatic fix; follow the steps in the thread`;
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
    const progress = resolutionProgress(investigation);
    const resolved = investigation.status === "resolved";
    // Once some causes are fixed, the parent's action and fallback text follow the first one still open.
    const openTop =
      progress.validatedFixes.length > 0 && !resolved ? firstOpenCause(investigation, progress) : undefined;
    const shown = openTop ? `${shortRef(openTop.resource)}: ${firstSentence(openTop.summary, 130)}` : top;
    const cause = shown
      ? `*${resolved ? "Was" : "Root cause"}:* ${escapeMrkdwn(shown)}`
      : "*No root cause found:* nothing is failing here.";
    const action = openTop ? actionFor(investigation, openTop) : recommendedAction(investigation);
    const lines = [`${lead}${severityBadge(severity)} · ${where}`];
    // Partly fixed: what is fixed and what is still open replaces the single top cause (the RCA
    // reply below lists every cause), so the parent stays as short as before.
    const progressLine = progressText(progress, { names: true });
    lines.push(progressLine ? `*Progress:* ${escapeMrkdwn(progressLine)}` : cause);
    if (!resolved && action) lines.push(`*Do now:* ${escapeMrkdwn(action)}`);
    blocks = [
      ...sections(lines.join("\n")),
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Impact*\n${escapeMrkdwn(impactNow(investigation, progress))}` },
          { type: "mrkdwn", text: `*Status*\n${statusLine(investigation, progress)}` },
        ],
      },
    ];
    const causes = rankedCauses(investigation).length;
    const duration = durationText(investigation);
    notes.push(
      `${causes} root cause${causes === 1 ? "" : "s"} · ${investigation.proposals.length} fix${investigation.proposals.length === 1 ? "" : "es"} proposed${duration ? ` · ${duration} so far` : ""}`,
    );
    const partial = progressText(progress);
    const head = resolved
      ? `✅ resolved — ${fixedBy(progress)}`
      : partial
        ? `${progress.fixed.length} of ${progress.causes.length} root causes fixed (${progress.validatedFixes.join("; ")} validated) · still open: ${shown ?? "?"}`
        : (top ?? "no root cause found");
    text = `${severity ?? ""} [${clusterOf(context)}] ${namespace}: ${head}`.trim();
  }
  if (investigation.trigger.text && !alert) notes.push(`“${escapeMrkdwn(investigation.trigger.text)}”`);
  return { text, blocks: [...blocks, ...contexts(notes)] };
}

/** The reply when an investigation failed for good: what failed, where, and how to try again. */
export function failureMessage(
  investigation: Investigation,
  error: string,
  context?: RenderContext,
): SlackMessage {
  const namespace = escapeMrkdwn(investigation.trigger.namespace);
  return {
    text: `[${clusterOf(context)}] Investigation of ${investigation.trigger.namespace} failed: ${error}`,
    blocks: sections(
      `❌ The investigation of *${namespace}* on *${escapeMrkdwn(clusterOf(context))}* failed: ${escapeMrkdwn(error)}\nRun \`/triage ${namespace}\` to try again.`,
    ),
  };
}
