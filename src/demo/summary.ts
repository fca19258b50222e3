import { progressText, resolutionProgress } from "../domain/resolution.js";
import { isMutating, type RecordedRequest } from "../sim/index.js";
import { THREAD_BUDGET } from "../slack/blocks/budget.js";
import type { DemoRun, PhaseTimes } from "./script.js";
import type { TranscriptEvent } from "./transcript.js";

/** One phase of the summary table. */
export interface PhaseSummary {
  phase: keyof PhaseTimes;
  namespace: string;
  /** The cluster the incident was routed to. */
  cluster: string;
  durationMs: number;
  detail: string;
}

/** The demo's closing numbers, also the `--json` summary. */
export interface DemoSummary {
  engine: string;
  phases: PhaseSummary[];
  /**
   * Requests each cluster's simulated API server answered, by `cluster/identity` (eu-1/reader,
   * us-1/executor, …): reads, dry runs, writes.
   */
  requests: Record<string, { reads: number; dryRuns: number; writes: number }>;
  /** Selected lines of GET /metrics on the serve process at the end. */
  metrics: string[];
  /** By `cluster/namespace`. */
  finalStatus: Record<string, string>;
  totalMs: number;
  /** The /triage thread against THREAD_BUDGET: time to the RCA reply, replies before any approval. */
  thread?: { rcaMs: number; replies: number; rcaBudgetMs: number; repliesBudget: number };
}

/** Measures the slash command's thread from the transcript (the first channel message's thread). */
export function measureThread(events: readonly TranscriptEvent[]): DemoSummary["thread"] {
  const asked = events.find((event) => event.kind === "step" && event.text.includes("/triage"));
  const parent = events.find((event) => event.kind === "message" && asked && event.atMs >= asked.atMs);
  if (!asked || !parent?.label) return undefined;
  // The budget is about what a reader gets before anyone approved anything: later replies
  // (an execution's result) do not count against it.
  const approval = events.find((event) => event.kind === "step" && event.text.includes("clicks [Approve]"));
  const before = (event: TranscriptEvent) => approval === undefined || event.atMs < approval.atMs;
  const replies = events.filter(
    (event) => event.kind === "reply" && event.label?.startsWith(`${parent.label}.`) && before(event),
  );
  // Files of this thread only: with two clusters, #ops holds more than one /triage thread.
  const files = events.filter(
    (event) =>
      event.kind === "file" &&
      event.channel === parent.channel &&
      (event.threadTs === undefined || event.threadTs === parent.ts) &&
      before(event),
  );
  const rca = replies.find((event) => event.text.includes("Root cause ("));
  if (!rca) return undefined;
  return {
    rcaMs: rca.atMs - asked.atMs,
    replies: replies.length + files.length,
    rcaBudgetMs: THREAD_BUDGET.rcaWithinMs,
    repliesBudget: THREAD_BUDGET.maxRepliesBeforeApproval,
  };
}

/** Each cluster's simulated API server's request log. */
export type ClusterRequests = readonly { cluster: string; requests: readonly RecordedRequest[] }[];

function requestCounts(clusters: ClusterRequests): DemoSummary["requests"] {
  const counts: DemoSummary["requests"] = {};
  for (const { cluster, requests } of clusters) {
    // Both roles of every cluster are listed, so "no write on us-1" is a visible 0, not a gap.
    for (const identity of ["reader", "executor"])
      counts[`${cluster}/${identity}`] = { reads: 0, dryRuns: 0, writes: 0 };
    for (const request of requests) countRequest(counts, `${cluster}/${request.identity}`, request);
  }
  return counts;
}

function countRequest(counts: DemoSummary["requests"], key: string, request: RecordedRequest): void {
  const entry = counts[key] ?? { reads: 0, dryRuns: 0, writes: 0 };
  counts[key] = entry;
  if (!isMutating(request)) entry.reads += 1;
  else if (request.dryRun) entry.dryRuns += 1;
  else entry.writes += 1;
}

const METRIC_LINES = [
  /^k8s_triage_investigations_total/,
  /^k8s_triage_remediations_total/,
  /^k8s_triage_phase_duration_seconds_count/,
  /^k8s_triage_queue_jobs\{.*state="(completed|failed)"/,
  /^k8s_triage_model_/,
  /^k8s_triage_slack_api_errors_total/,
];

/** The interesting lines of a Prometheus exposition (no HELP/TYPE, no histogram buckets), sorted. */
export function metricHighlights(exposition: string): string[] {
  const order = (line: string) => METRIC_LINES.findIndex((pattern) => pattern.test(line));
  return exposition
    .split("\n")
    .filter((line) => order(line) >= 0)
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

function phaseDetail(run: DemoRun, phase: keyof PhaseTimes, index: number): string {
  const incident = run.incidents[index];
  if (!incident) return "";
  const { investigation } = incident;
  switch (phase) {
    case "detect":
      return `${incident.trigger} → routed to ${incident.cluster}: investigation ${investigation.id} queued for its agent, thread opened`;
    case "analyze": {
      const causes = investigation.rca?.rootCauses.length ?? investigation.triage?.rootCauses.length ?? 0;
      return `${incident.cluster}'s agent: read-only snapshot + triage + RCA: ${causes} root cause${causes === 1 ? "" : "s"}, ${investigation.proposals.length} proposal${investigation.proposals.length === 1 ? "" : "s"} with Approve/Deny`;
    }
    case "remediate": {
      const approval = run.approvals.find((candidate) => candidate.investigationId === investigation.id);
      const refused = approval?.refusedFirst ? ` (${approval.refusedFirst} refused first)` : "";
      return `${approval?.proposalId} approved by ${approval?.approver}${refused}: drift check, server-side dry run, apply as ${incident.cluster}'s executor`;
    }
    case "validate": {
      const approval = run.approvals.find((candidate) => candidate.investigationId === investigation.id);
      const record = investigation.proposals.find((p) => p.proposal.id === approval?.proposalId);
      const verdict = record?.outcome?.validation?.verdict ?? "no verdict";
      const progress = progressText(resolutionProgress(investigation));
      return `${verdict} on ${incident.cluster}'s simulated clock (pods Ready, settle window held) → status ${investigation.status}${progress ? ` (${progress})` : ""}`;
    }
  }
}

/** Builds the summary from the run, the simulated API server's request log and /metrics. */
export function summarize(
  run: DemoRun,
  engine: string,
  requests: ClusterRequests,
  exposition: string,
  totalMs: number,
  events: readonly TranscriptEvent[] = [],
): DemoSummary {
  const thread = measureThread(events);
  const phases: PhaseSummary[] = [];
  for (const phase of ["detect", "analyze", "remediate", "validate"] as const) {
    run.incidents.forEach((incident, index) => {
      const span = incident.phases[phase];
      if (!span) return;
      phases.push({
        phase,
        namespace: incident.namespace,
        cluster: incident.cluster,
        durationMs: Math.max(0, span[1] - span[0]),
        detail: phaseDetail(run, phase, index),
      });
    });
  }
  return {
    engine,
    phases,
    requests: requestCounts(requests),
    metrics: metricHighlights(exposition),
    finalStatus: Object.fromEntries(
      run.incidents.map((i) => [`${i.cluster}/${i.namespace}`, i.investigation.status]),
    ),
    totalMs,
    ...(thread ? { thread } : {}),
  };
}

/** The summary as terminal text. */
export function renderSummary(summary: DemoSummary): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = ["", "=== Summary ===", `engine: ${summary.engine}`, ""];
  for (const phase of summary.phases) {
    lines.push(
      `  ${phase.phase.padEnd(9)} ${phase.namespace.padEnd(9)} ${seconds(phase.durationMs).padStart(7)}  ${phase.detail}`,
    );
  }
  if (summary.thread) {
    const t = summary.thread;
    lines.push(
      "",
      `thread: the RCA reply landed ${seconds(t.rcaMs)} after /triage (budget ${seconds(t.rcaBudgetMs)}); ${t.replies} replies before any approval (budget ${t.repliesBudget})`,
    );
  }
  lines.push("", "Simulated API servers, requests by cluster/identity:");
  for (const [identity, count] of Object.entries(summary.requests)) {
    lines.push(
      `  ${identity.padEnd(14)} ${count.reads} reads, ${count.dryRuns} dry-run writes, ${count.writes} writes`,
    );
  }
  lines.push(
    "",
    "GET /metrics on the serve process (excerpt):",
    ...summary.metrics.map((line) => `  ${line}`),
  );
  const final = Object.entries(summary.finalStatus)
    .map(([where, status]) => `${where} ${status}`)
    .join(", ");
  lines.push("", `Final: ${final}. Total ${seconds(summary.totalMs)}.`);
  return `${lines.join("\n")}\n`;
}
