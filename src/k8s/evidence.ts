import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeEvent } from "../domain/kube.js";
import type { RcaReport } from "../domain/rca.js";
import type { Snapshot, TriageResult } from "../domain/types.js";
import { errorMessage, InputError } from "../errors.js";
import { snapshotToStateFile } from "./state-export.js";

/** Files written by {@link writeEvidence}, relative to the evidence directory. */
export interface EvidenceFiles {
  dir: string;
  files: string[];
}

/** Keeps a file name component to safe characters (names are DNS-1123 already; this is belt and braces). */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** One line per Warning event, oldest first, like a compact `kubectl get events`. */
export function formatWarningEvents(events: readonly KubeEvent[]): string {
  const warnings = events
    .filter((event) => event.type === "Warning")
    .map((event) => {
      const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? "";
      const object = event.involvedObject;
      const where = `${object.namespace ? `${object.namespace}/` : ""}${object.kind ?? "?"}/${object.name ?? "?"}`;
      const count = event.count && event.count > 1 ? ` (x${event.count})` : "";
      return { when, line: `${when}  ${where}  ${event.reason ?? ""}${count}: ${event.message ?? ""}` };
    })
    .sort((a, b) => a.when.localeCompare(b.when));
  return warnings.map((warning) => warning.line).join("\n") + (warnings.length > 0 ? "\n" : "");
}

/**
 * Writes the evidence of one triage: snapshot.yaml (a state file `--from-file` re-analyses),
 * events-warning.txt, logs/<ns>_<pod>_<container>[.previous].log, readyz.txt, triage.json,
 * rca.json (when an RCA was made: Claude's or the deterministic one) and report.md. Everything in
 * it was redacted at collection, and the model's text scrubbed again.
 */
export async function writeEvidence(
  dir: string,
  snapshot: Snapshot,
  result: TriageResult,
  reportMarkdown: string,
  rca?: RcaReport,
): Promise<EvidenceFiles> {
  const files: [string, string][] = [
    ["snapshot.yaml", snapshotToStateFile(snapshot)],
    ["events-warning.txt", formatWarningEvents(snapshot.events)],
    ["readyz.txt", snapshot.readyz ?? "(not readable)\n"],
    ["triage.json", `${JSON.stringify(result, null, 2)}\n`],
    ["report.md", reportMarkdown],
  ];
  if (rca) files.push(["rca.json", `${JSON.stringify(rca, null, 2)}\n`]);
  for (const log of snapshot.logs) {
    const name = `${safe(log.namespace)}_${safe(log.pod)}_${safe(log.container)}${log.previous ? ".previous" : ""}.log`;
    files.push([join("logs", name), log.text]);
  }
  try {
    await mkdir(join(dir, "logs"), { recursive: true });
    for (const [name, text] of files) await writeFile(join(dir, name), text, "utf8");
  } catch (error) {
    throw new InputError("EVIDENCE_DIR", `cannot write evidence to ${dir}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return { dir, files: files.map(([name]) => name) };
}
