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

/** How the terminal report is drawn. */
export interface TextOptions {
  /** ANSI colours; see {@link shouldColor}. */
  color?: boolean;
  /** Where the snapshot came from (a kubeconfig context, a state file path). */
  source?: string;
  /** Whether a state file was read as recorded or simulated. */
  mode?: InputMode;
}

/** Colour only for a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function shouldColor(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

type Paint = (text: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  green: Paint;
  cyan: Paint;
}

function palette(color: boolean): Palette {
  const code =
    (open: number, close: number): Paint =>
    (text) =>
      color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: code(1, 22),
    dim: code(2, 22),
    red: code(31, 39),
    yellow: code(33, 39),
    green: code(32, 39),
    cyan: code(36, 39),
  };
}

function severityPaint(p: Palette, severity: string): Paint {
  return severity === "P1" ? p.red : severity === "P2" ? p.yellow : p.green;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** A readable terminal report of one triage. */
export function renderText(result: TriageResult, options: TextOptions = {}): string {
  const p = palette(options.color ?? false);
  const out: string[] = [];
  const sev = severityPaint(p, result.severity);
  out.push(p.bold(`Triage of ${scopeText(result)}`) + p.dim(`  (cluster time ${result.collectedAt})`));
  const input = inputText(options.source, options.mode);
  if (input) out.push(p.dim(`Input: ${input}`));
  const cp = result.controlPlane.status === "healthy" ? p.green : p.red;
  out.push(
    `${sev(result.severity)} · blast radius ${p.bold(result.blastRadius)} · control plane ${cp(controlPlaneText(result))}`,
  );
  out.push(p.bold(result.headline), "");

  if (result.rootCauses.length === 0) {
    out.push(p.green("No root causes found."), "");
  } else {
    out.push(p.bold(`Root causes (${result.rootCauses.length})`));
    for (const { index, cause } of numbered(result)) {
      out.push(
        `${String(index).padStart(2)}. ${p.cyan(`[${cause.category}]`)} ${p.bold(refText(cause.resource))}  ${p.dim(`confidence ${percent(cause.confidence)}`)}`,
      );
      out.push(indent(cause.summary, "    "));
      if (cause.affected.length > 0) out.push(`    affected: ${refList(cause.affected)}`);
      if (cause.causedBy) out.push(`    follows from: ${cause.causedBy}`);
      for (const change of cause.changes ?? [])
        out.push(`    ${p.yellow("changed before it:")} ${change.lead} (${change.at})`);
      if (cause.evidence.length > 0) {
        out.push("    evidence:");
        for (const quote of cause.evidence) out.push(indent(quote, `      ${p.dim("│")} `));
      }
      if (cause.nextSteps.length > 0) {
        out.push("    next steps:");
        for (const step of cause.nextSteps) out.push(`      - ${step}`);
      }
      if (cause.commands.length > 0) {
        out.push("    commands:");
        for (const command of cause.commands) out.push(`      $ ${command}`);
      }
      out.push("");
    }
  }

  if (result.remediations.length > 0) {
    out.push(p.bold(`Proposed remediations (${result.remediations.length})`));
    for (const proposal of result.remediations) {
      const risk = proposal.risk === "high" ? p.red : proposal.risk === "medium" ? p.yellow : p.green;
      out.push(
        `  - ${risk(`[${proposal.risk} risk]`)} ${proposal.action} ${refText(proposal.target)}: ${proposal.summary}`,
      );
      out.push(`      change: ${proposal.change}`);
      out.push(p.dim(`      id: ${proposal.id} (fixes ${proposal.rootCauseId})`));
      const managed = proposal.managedBy;
      if (managed) {
        out.push(`      ${p.yellow("warning:")} ${managed.warning}`);
        if (managed.gitPatch)
          out.push("      commit instead (Git patch):", indent(managed.gitPatch, "        "));
        for (const command of managed.humanCommands) out.push(`      for a human: $ ${command}`);
      }
    }
    out.push("");
  }

  if (result.changes && result.changes.length > 0) {
    out.push(p.bold(`What changed (last hour, ${result.changes.length})`));
    for (const change of result.changes)
      out.push(
        `  ${p.dim(change.at)} ${change.summary} ${p.dim(`— ${refText(change.resource)}${change.manager ? ` by ${change.manager}` : ""}`)}`,
      );
    out.push("");
  }
  if (result.symptoms.length > 0) {
    out.push(p.bold("Symptoms"));
    for (const symptom of result.symptoms) out.push(`  ${symptom.class}: ${refList(symptom.resources)}`);
    out.push("");
  }
  if (result.history?.length) {
    out.push(p.dim("History (warnings answered by a later success; not causes):"));
    for (const line of result.history) out.push(p.dim(`  - ${line}`));
  }
  if (result.healthy.length > 0) out.push(`${p.green("Healthy")}: ${refList(result.healthy, 12)}`);
  if (result.metrics?.length) {
    out.push(p.bold("Metrics (Prometheus)"));
    for (const line of result.metrics) out.push(`  - ${line}`);
  }
  if (result.gaps.length > 0) {
    out.push(p.yellow("Could not read:"));
    for (const gap of result.gaps) out.push(`  - ${gap.message}`);
  }
  if (result.metricsServer) out.push(p.dim(`Usage: ${result.metricsServer.message}.`));
  out.push(p.dim(`Looked at ${statsText(result)}.`));
  return `${out.join("\n")}\n`;
}
