import type { Investigation } from "../../domain/investigation.js";
import type { AgentStatus } from "../deps.js";
import { code, escapeMrkdwn, link, mentionUser, slackDate } from "../mrkdwn.js";
import { phaseText, severityLight } from "./format.js";
import { type Block, contexts, header, type SlackMessage, sections } from "./kit.js";

/** How many investigations `/triage status` lists. */
export const STATUS_LIMIT = 15;

/** The usage hint shown in the manifest and in help. */
export const TRIAGE_USAGE_HINT = "<namespace> [what is wrong] | status | help";

/** `/triage help`. */
export function helpMessage(command = "/triage"): SlackMessage {
  const lines = [
    `*${command} <namespace> [what is wrong]* — investigate a namespace; the results arrive in a thread.`,
    `*${command} <namespace> --cluster <name>* (or *${command} <name>/<namespace>*) — in one of several clusters.`,
    `*${command} status* — running and recent investigations, and the clusters' agents.`,
    `*${command} help* — this message.`,
    "",
    `Example: ${code(`${command} prod-api checkout returns 502 since 10:05`)}`,
    "Mention me in an investigation thread to ask a follow-up question, or say “re-investigate”.",
  ];
  return {
    text: `${command} usage: ${command} <namespace> [what is wrong]`,
    blocks: sections(lines.join("\n")),
  };
}

/** The ephemeral reply to a command that was not understood; nothing was started. */
export function usageError(problem: string, command = "/triage"): SlackMessage {
  const text = `${problem} Usage: ${command} <namespace> [what is wrong]`;
  return {
    text,
    blocks: [
      ...sections(`⚠️ ${escapeMrkdwn(problem)}\nNothing was started.`),
      ...contexts([`Usage: ${code(`${command} ${TRIAGE_USAGE_HINT}`)}`]),
    ],
  };
}

/** The ephemeral reply when an equal investigation is already running and the request joined it. */
export function joinedMessage(investigation: Investigation, permalink: string | undefined): SlackMessage {
  const ns = investigation.trigger.namespace;
  const where = permalink ? link(permalink, "its thread") : "its thread";
  return {
    text: `${ns} is already being investigated; your request joined it.`,
    blocks: sections(
      `*${escapeMrkdwn(ns)}* is already being investigated (${phaseText(investigation.status)}); your request joined it. Follow ${where}.`,
    ),
  };
}

/** One line per investigation, shared by `/triage status` and the App Home. */
export function investigationLine(investigation: Investigation, permalink: string | undefined): string {
  const severity = investigation.rca?.severity ?? investigation.triage?.severity;
  const light = investigation.status === "failed" ? "❌" : severityLight(severity);
  const shown = investigation.trigger.cluster
    ? `${investigation.trigger.cluster}/${investigation.trigger.namespace}`
    : investigation.trigger.namespace;
  const name = permalink ? link(permalink, shown) : `*${escapeMrkdwn(shown)}*`;
  const headline = investigation.triage?.headline ? ` — ${escapeMrkdwn(investigation.triage.headline)}` : "";
  const by = investigation.trigger.requestedBy ? ` · ${mentionUser(investigation.trigger.requestedBy)}` : "";
  return `${light} ${name} · _${phaseText(investigation.status)}_${headline}\n      ${slackDate(investigation.createdAt)}${by}`;
}

/**
 * `/triage status`: running investigations first, then recent ones. Callers pass at most
 * STATUS_LIMIT investigations so the reply fits one message.
 */
export function statusListMessage(
  investigations: Investigation[],
  permalinks: ReadonlyMap<string, string>,
  agents?: readonly AgentStatus[],
): SlackMessage {
  const running = investigations.filter((item) =>
    ["queued", "collecting", "analyzing", "approved", "executing", "validating"].includes(item.status),
  );
  const recent = investigations.filter((item) => !running.includes(item));
  const blocks: Block[] = [header("Investigations")];
  const render = (items: Investigation[]) =>
    items.map((item) => investigationLine(item, permalinks.get(item.id))).join("\n");
  blocks.push(...sections(`*Running (${running.length})*\n${running.length ? render(running) : "_none_"}`));
  blocks.push(...sections(`*Recent (${recent.length})*\n${recent.length ? render(recent) : "_none_"}`));
  if (agents) blocks.push(...sections(agentLines(agents)));
  const agentText = agents
    ? `; agents: ${agents.map((agent) => `${agent.cluster} ${agent.health}`).join(", ") || "none registered"}`
    : "";
  return { text: `${running.length} running, ${recent.length} recent investigations${agentText}`, blocks };
}

const HEALTH_MARK: Record<AgentStatus["health"], string> = { online: "🟢", late: "🔴", stopped: "⚪" };

/** The agents section of `/triage status`: per cluster, each agent's health, roles, last beat. */
export function agentLines(agents: readonly AgentStatus[]): string {
  if (agents.length === 0) return "*Cluster agents*\n_none registered_";
  const lines = agents.map(
    (agent) =>
      `${HEALTH_MARK[agent.health]} *${escapeMrkdwn(agent.cluster)}* · ${agent.health} · ${escapeMrkdwn(agent.host)} · ${escapeMrkdwn(agent.roles.join(", "))} · v${escapeMrkdwn(agent.version)}${agent.namespaces === undefined ? "" : ` · ${agent.namespaces} namespaces`} · last seen ${slackDate(agent.lastSeen)}`,
  );
  return `*Cluster agents (${agents.length})*\n${lines.join("\n")}`;
}
