import { costUsd } from "../agent/usage.js";
import { evalIncident, naiveBaselineTokens, prefixTokens, sentTokens } from "../eval/index.js";
import { listScenarios } from "../sim/scenarios/index.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Input tokens one investigation sends to the model, per built-in scenario (replay script on the
 * local fake API), against a naive baseline: the same turns and calls, but the triage as raw JSON
 * and every tool answered with full YAML/describe dumps and whole logs. Three views:
 * - total: every token of every request, both sides resending the same system prompt and tools;
 * - evidence: total minus that shared prefix, i.e. what the compact findings and tool results
 *   save (the checked target: at most a quarter of the baseline);
 * - billed: ours with prompt caching (writes 1.25x, reads 0.1x) vs the baseline without.
 */
const TARGET_RATIO = 0.25;
const MODEL = "claude-sonnet-5-5";

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(3)) : 0);

const section: BenchSection = {
  name: "agent-tokens",
  describe: "input tokens per model investigation vs a naive full-dump baseline",
  async run(context: BenchContext): Promise<BenchSectionResult> {
    const rows: BenchRow[] = [];
    const figures: Record<string, unknown> = {};
    const sums = { total: 0, baseTotal: 0, evidence: 0, baseEvidence: 0, billedUsd: 0, baseUsd: 0 };
    const scenarios = listScenarios();
    for (const name of context.quick ? scenarios.slice(0, 3) : scenarios) {
      context.progress(`agent-tokens: ${name}`);
      let baseline = 0;
      const result = await evalIncident({
        name,
        mode: "replay",
        config: { model: MODEL },
        inspect: async ({ reader, triage, requests }) => {
          baseline = await naiveBaselineTokens(requests, triage, reader);
        },
      });
      const total = sentTokens(result.requests);
      const prefix = result.requests.reduce((sum, request) => sum + prefixTokens(request), 0);
      const evidence = total - prefix;
      const baseEvidence = baseline - prefix;
      const usage = result.report.usage;
      const baseUsd = costUsd(MODEL, {
        inputTokens: baseline,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      const oursUsd = usage
        ? costUsd(MODEL, { ...usage, outputTokens: 0 })
        : costUsd(MODEL, { inputTokens: total, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
      sums.total += total;
      sums.baseTotal += baseline;
      sums.evidence += evidence;
      sums.baseEvidence += baseEvidence;
      sums.billedUsd += oursUsd;
      sums.baseUsd += baseUsd;
      rows.push({
        scenario: name,
        turns: result.requests.length,
        tools: usage?.toolCalls ?? 0,
        "total tok": total,
        "baseline tok": baseline,
        "total ratio": ratio(total, baseline),
        "evidence tok": evidence,
        "baseline evid.": baseEvidence,
        "evidence ratio": ratio(evidence, baseEvidence),
        "billed ratio": ratio(oursUsd, baseUsd),
      });
      figures[name] = { total, baseline, prefix, evidence, baseEvidence, oursUsd, baseUsd, usage };
    }
    const overall = {
      totalRatio: ratio(sums.total, sums.baseTotal),
      evidenceRatio: ratio(sums.evidence, sums.baseEvidence),
      billedRatio: ratio(sums.billedUsd, sums.baseUsd),
      ...sums,
    };
    figures.overall = overall;
    if (rows.length > 0) {
      rows.push({
        scenario: "ALL",
        "total tok": sums.total,
        "baseline tok": sums.baseTotal,
        "total ratio": overall.totalRatio,
        "evidence tok": sums.evidence,
        "baseline evid.": sums.baseEvidence,
        "evidence ratio": overall.evidenceRatio,
        "billed ratio": overall.billedRatio,
      });
    }
    const checks =
      rows.length === 0
        ? []
        : [
            {
              name: "evidence tokens sent <= 1/4 of the naive full-dump baseline",
              ok: overall.evidenceRatio <= TARGET_RATIO,
              detail: `${sums.evidence} vs ${sums.baseEvidence} (ratio ${overall.evidenceRatio}; total incl. shared prompt+tools ${overall.totalRatio}, billed ${overall.billedRatio})`,
            },
          ];
    return { rows, figures, checks };
  },
};

export default section;
