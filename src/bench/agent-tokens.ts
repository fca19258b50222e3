import { naiveBaselineTokens, sentTokens } from "../agent/eval/baseline.js";
import { evalIncident } from "../agent/eval/run.js";
import { listScenarios } from "../sim/scenarios/index.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Input tokens one investigation sends to the model, per built-in scenario (replay script on the
 * local fake API), against a naive baseline that sends the same evidence as full YAML/describe
 * dumps and the triage as raw JSON. Target: at most a quarter of the baseline.
 */
const TARGET_RATIO = 0.25;

const section: BenchSection = {
  name: "agent-tokens",
  describe: "input tokens per model investigation vs a naive full-dump baseline",
  async run(context: BenchContext): Promise<BenchSectionResult> {
    const rows: BenchRow[] = [];
    const figures: Record<string, unknown> = {};
    const scenarios = listScenarios();
    for (const name of context.quick ? scenarios.slice(0, 3) : scenarios) {
      context.progress(`agent-tokens: ${name}`);
      let baseline = 0;
      const result = await evalIncident({
        name,
        mode: "replay",
        config: { model: "claude-sonnet-5-5" },
        inspect: async ({ reader, triage, requests }) => {
          baseline = await naiveBaselineTokens(requests, triage, reader);
        },
      });
      const sent = sentTokens(result.requests);
      const ratio = baseline > 0 ? sent / baseline : 0;
      const usage = result.report.usage;
      rows.push({
        scenario: name,
        turns: result.requests.length,
        "tool calls": usage?.toolCalls ?? 0,
        "sent tokens": sent,
        "baseline tokens": baseline,
        ratio: Number(ratio.toFixed(3)),
        "billed input": (usage?.inputTokens ?? 0) + (usage?.cacheWriteTokens ?? 0),
        "cache read": usage?.cacheReadTokens ?? 0,
        "cost usd": Number((usage?.costUsd ?? 0).toFixed(4)),
      });
      figures[name] = { sent, baseline, ratio, turns: result.requests.length, usage };
    }
    const total = rows.reduce((sum, row) => sum + Number(row["sent tokens"]), 0);
    const totalBaseline = rows.reduce((sum, row) => sum + Number(row["baseline tokens"]), 0);
    const overall = totalBaseline > 0 ? total / totalBaseline : 0;
    figures.overall = { sent: total, baseline: totalBaseline, ratio: overall };
    const checks =
      rows.length === 0
        ? []
        : [
            {
              name: "agent input tokens <= 1/4 of the naive baseline",
              ok: overall <= TARGET_RATIO,
              detail: `${total} vs ${totalBaseline} tokens (ratio ${overall.toFixed(3)})`,
            },
          ];
    return { rows, figures, checks };
  },
};

export default section;
