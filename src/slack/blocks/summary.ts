import type { TriageResult } from "../../domain/types.js";
import { code, escapeMrkdwn } from "../mrkdwn.js";
import { percent, refText, severityLight } from "./format.js";
import { type Block, contexts, header, packMessages, type SlackMessage, sections } from "./kit.js";

const BLAST: Record<TriageResult["blastRadius"], string> = {
  "no-issues": "no issues",
  "single-pod": "a single pod",
  "single-workload": "a single workload",
  "single-namespace": "one namespace",
  "multiple-namespaces": "several namespaces",
  "cluster-wide": "cluster-wide",
};

/**
 * The deterministic triage summary, the thread's first reply: what is broken, how far it
 * reaches, and the ranked root causes with the commands an operator can run. Split into several
 * messages when it does not fit one.
 */
export function triageSummaryMessages(triage: TriageResult): SlackMessage[] {
  const ns = triage.namespace === "*" ? "all namespaces" : triage.namespace;
  const blocks: Block[] = [header(`Triage summary · ${ns}`)];
  blocks.push({
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*Severity*\n${severityLight(triage.severity)} ${triage.severity}` },
      { type: "mrkdwn", text: `*Blast radius*\n${BLAST[triage.blastRadius]}` },
      {
        type: "mrkdwn",
        text: `*Control plane*\n${triage.controlPlane.status}${
          triage.controlPlane.failing?.length
            ? ` (${escapeMrkdwn(triage.controlPlane.failing.join(", "))})`
            : ""
        }`,
      },
      { type: "mrkdwn", text: `*Looked at*\n${triage.stats.pods} pods, ${triage.stats.events} events` },
    ],
  });
  blocks.push(...sections(`*${escapeMrkdwn(triage.headline)}*`));
  if (triage.symptoms.length > 0) {
    const lines = triage.symptoms.map(
      (symptom) =>
        `• ${code(symptom.class)}: ${symptom.resources.map(refText).join(", ") || "(no resources named)"}`,
    );
    blocks.push(...sections(`*Symptoms*\n${lines.join("\n")}`));
  }
  triage.rootCauses.forEach((cause, index) => {
    const lines = [
      `*${index + 1}. ${code(cause.category)} ${refText(cause.resource)}* · confidence ${percent(cause.confidence)}`,
      escapeMrkdwn(cause.summary),
    ];
    if (cause.affected.length > 0) lines.push(`_Affected:_ ${cause.affected.map(refText).join(", ")}`);
    if (cause.nextSteps.length > 0)
      lines.push(cause.nextSteps.map((step) => `→ ${escapeMrkdwn(step)}`).join("\n"));
    if (cause.commands.length > 0) lines.push(cause.commands.map((command) => code(command)).join("\n"));
    blocks.push(...sections(lines.join("\n")));
  });
  if (triage.rootCauses.length === 0)
    blocks.push(...sections("No root cause found: nothing is failing here."));
  const footer: string[] = [];
  if (triage.healthy.length > 0) footer.push(`✓ ${triage.healthy.length} workloads checked and healthy`);
  for (const gap of triage.gaps) {
    footer.push(
      `⚠️ could not read ${escapeMrkdwn(gap.resource)}${gap.namespace ? ` in ${escapeMrkdwn(gap.namespace)}` : ""}: ${gap.reason}`,
    );
  }
  if (footer.length > 0) blocks.push(...contexts(footer));
  const causes = triage.rootCauses.length;
  const text = `Triage of ${ns}: ${triage.headline} (${triage.severity}, ${causes} root cause${causes === 1 ? "" : "s"})`;
  return packMessages(text, blocks);
}
