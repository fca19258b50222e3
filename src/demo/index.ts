import { writeFile } from "node:fs/promises";
import { type Env, parseEnv } from "../config/env.js";
import type { LogLevel } from "../log.js";
import { transcriptHtml } from "../transcript-html/index.js";
import { DEMO_CLUSTERS } from "./agents.js";
import { type DemoRun, runDemoScript } from "./script.js";
import { type DemoStack, startDemoStack } from "./stack.js";
import { type DemoSummary, renderSummary, summarize } from "./summary.js";
import { Transcript, type TranscriptEvent } from "./transcript.js";

export type { DemoSummary } from "./summary.js";
export type { TranscriptEvent } from "./transcript.js";

/** How the demo reports. */
export interface DemoOptions {
  /** Print only the summary. */
  quiet?: boolean;
  /** Print nothing while running; the caller gets (and may print) the JSON result. */
  json?: boolean;
  /** Where lines go (default stdout). */
  write?: (line: string) => void;
  logLevel?: LogLevel;
  /** Claude's loop against the local replay model (fake Anthropic API) instead of the deterministic engine. */
  replayModel?: boolean;
  /** Also write the Slack transcript as Slack-like HTML to this file (`demo --html FILE`). */
  html?: string;
  /** Runs with the stack still up after the script (tests look at /metrics here). */
  inspect?: (stack: DemoStack) => Promise<void>;
}

/** What a finished demo returns. */
export interface DemoResult {
  engine: string;
  transcript: TranscriptEvent[];
  summary: DemoSummary;
  run: DemoRun;
}

/** Which analysis engine the worker uses, in words. */
export function engineDescription(
  env: Pick<Env, "ANTHROPIC_API_KEY" | "ANTHROPIC_MODEL" | "ANTHROPIC_BASE_URL">,
  replay = false,
): string {
  if (replay) {
    return "Claude tool-use loop against the local replay model (a fake Anthropic API on loopback answering as the scripted investigator of npm run eval)";
  }
  if (!env.ANTHROPIC_API_KEY) {
    return "deterministic engine (ANTHROPIC_API_KEY is not set; the RCA comes from the rule-based triage)";
  }
  return `Claude ${env.ANTHROPIC_MODEL} via ${env.ANTHROPIC_BASE_URL ?? "api.anthropic.com"} (ANTHROPIC_API_KEY is set)`;
}

/**
 * The offline end-to-end walkthrough: starts everything on loopback (two simulated clusters with
 * their agents behind one serve), runs the script (slash command on #ops' default cluster, the
 * same namespace with --cluster on the other, an Alertmanager alert routed by its cluster label,
 * refused and authorized approval on the right cluster only, validation), prints the Slack
 * transcript as it happens and a summary, and stops everything it started.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const live = !options.quiet && !options.json;
  const transcript = new Transcript(live ? write : undefined);
  const note = (line: string) => {
    if (live) write(`  · ${line}`);
  };
  // Said first, before anything starts: which engine writes the RCA is the demo's first question.
  const engine = engineDescription(parseEnv(), options.replayModel === true);
  if (!options.json) write(`k8s-triage demo — analysis engine: ${engine}`);
  const stack = await startDemoStack({
    note,
    replayModel: options.replayModel === true,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  // Ctrl-C mid-demo still stops what the demo started (its redis-server, servers, temp files).
  const interrupted = () => {
    process.stderr.write("k8s-triage demo: interrupted; stopping what it started…\n");
    void stack.close().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    if (live) {
      for (const cluster of stack.clusters) {
        const spec = DEMO_CLUSTERS.find((candidate) => candidate.name === cluster.name);
        write(
          `  · cluster ${cluster.name}: simulated API server (${spec?.scenarios.join(" + ")}) at ${cluster.sim.url}; its agent reads as '${cluster.name}/reader', writes only as '${cluster.name}/executor', holds no Slack token`,
        );
      }
      write(`  · Redis at ${stack.redis.url}${stack.redis.started ? " (started for the demo)" : ""}`);
      write(
        `  · Slack app (Bolt HTTP receiver) at ${stack.serveUrl}/slack/events; fake Slack Web API at ${stack.fake.url}`,
      );
      write("  · one Slack app: serve routes each request to its cluster's agent and posts their updates\n");
    }
    const stopFollowing = transcript.attach(stack.fake);
    const run = await runDemoScript(stack, transcript);
    stopFollowing();
    const exposition = await (await fetch(`${stack.serveUrl}/metrics`)).text();
    const summary = summarize(
      run,
      engine,
      stack.clusters.map((cluster) => ({ cluster: cluster.name, requests: cluster.sim.requests })),
      exposition,
      transcript.elapsedMs(),
      transcript.events,
    );
    if (!options.json) write(renderSummary(summary));
    if (options.html) {
      await writeFile(
        options.html,
        transcriptHtml(stack.fake.transcript(), { title: "k8s-triage demo — Slack transcript" }),
      );
      if (!options.json) write(`Slack transcript as HTML: ${options.html}`);
    }
    await options.inspect?.(stack);
    return { engine, transcript: transcript.events, summary, run };
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await stack.close();
  }
}
