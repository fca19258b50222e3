import { z } from "zod";
import { anyGlob } from "../../config/glob.js";
import type { MetricSeries } from "../../domain/metrics.js";
import {
  durationText,
  labelText,
  num,
  PrometheusError,
  parseDuration,
  type QueryResult,
  summaryLines,
} from "../../prometheus/index.js";
import { type AgentTool, defineTool, type ToolContext, ToolInputError } from "./registry.js";

function duration(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds <= 0)
    throw new ToolInputError(`${field}: '${text}' is not a duration (use e.g. 90s, 15m, 1h)`);
  return seconds;
}

/**
 * Series of namespaces the policy does not let the bot read are dropped: PromQL can name any
 * namespace, the bot may only look at its own. Series without a namespace label (aggregates) stay.
 */
function allowedSeries(series: MetricSeries[], ctx: ToolContext): { kept: MetricSeries[]; hidden: number } {
  const kept = series.filter((s) => {
    const ns = s.labels.namespace ?? s.labels.exported_namespace;
    return ns === undefined || anyGlob(ctx.policy.namespaces, ns);
  });
  return { kept, hidden: series.length - kept.length };
}

/** The answer as the model sees it: counts, bounds notes, and per-series numbers (never raw JSON). */
export function renderQueryResult(result: QueryResult, ctx: ToolContext): string {
  const { kept, hidden } = allowedSeries(result.series, ctx);
  const lines: string[] = [`PromQL: ${result.query}`];
  if (result.range) {
    const { start, end, step } = result.range;
    lines.push(
      `range ${new Date(start * 1000).toISOString()} .. ${new Date(end * 1000).toISOString()}, step ${durationText(step)}; ${result.totalSeries} series returned`,
    );
  } else {
    lines.push(
      `instant at ${new Date((result.time ?? 0) * 1000).toISOString()}; ${result.totalSeries} series returned`,
    );
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (hidden > 0) lines.push(`note: ${hidden} series of namespaces outside this bot's policy were withheld`);
  for (const warning of result.warnings) lines.push(`Prometheus warning: ${warning}`);
  if (kept.length === 0) lines.push("(no series)");
  else if (result.range) lines.push(...summaryLines(kept));
  else
    for (const s of kept)
      lines.push(`${labelText(s.labels)} = ${num(s.points[s.points.length - 1]?.[1] ?? Number.NaN)}`);
  return lines.join("\n");
}

/** Bounded PromQL for the model; offered only when a Prometheus is configured (see `investigationTools`). */
export const prometheusQuery: AgentTool = defineTool({
  name: "prometheus_query",
  description:
    "Run a read-only PromQL query against the cluster's Prometheus. Without `range` it is an instant query (value now); with `range` (e.g. 1h) a range query ending now (or `endAgo` earlier), summarised per series as min/max/avg/last. Bounds always apply: at most 6h of range, at most 500 points per series (the step is raised), at most 50 series (the rest are dropped and said), 2 MiB of answer, a per-query timeout. Aggregate (sum by, topk, max by) to stay inside them. Useful series: kube_pod_container_status_restarts_total, kube_pod_container_status_last_terminated_reason, container_memory_working_set_bytes, kube_pod_container_resource_limits, container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total, and the application's own request/error/latency metrics.",
  input: z.object({
    query: z.string().min(1).max(4000).describe("PromQL expression"),
    range: z
      .string()
      .max(32)
      .optional()
      .describe("range query length, e.g. 30m, 1h, 6h (omit for an instant query)"),
    step: z
      .string()
      .max(32)
      .optional()
      .describe("range query resolution, e.g. 30s, 1m (raised when too fine)"),
    endAgo: z
      .string()
      .max(32)
      .optional()
      .describe("end the range (or evaluate the instant) this long ago, e.g. 2h"),
  }),
  narrowHint: "Aggregate the query (sum by / topk) or narrow its label matchers.",
  async run(input, ctx) {
    const client = ctx.prometheus;
    if (!client) throw new ToolInputError("no Prometheus is configured for this bot (PROMETHEUS_URL)");
    const rangeSeconds = duration("range", input.range);
    const stepSeconds = duration("step", input.step);
    const endAgo = duration("endAgo", input.endAgo) ?? 0;
    const now = Math.floor(Date.now() / 1000);
    const end = now - endAgo;
    try {
      const result =
        rangeSeconds === undefined
          ? await client.instant(input.query, { time: end, signal: ctx.signal })
          : await client.range(
              input.query,
              { start: end - rangeSeconds, end, step: stepSeconds ?? Number.NaN },
              { signal: ctx.signal },
            );
      return renderQueryResult(result, ctx);
    } catch (error) {
      if (error instanceof PrometheusError)
        throw new ToolInputError(`Prometheus query failed (${error.code}): ${error.message}`);
      throw error;
    }
  },
});
