import type { MetricChart, MetricUnit } from "../domain/metrics.js";
import type { AlertReevaluation } from "../domain/prometheus.js";
import type { PrometheusClient } from "./client.js";
import { labelText, num, seriesStats, summaryLines } from "./summary.js";

/** An alert expression split into what is compared and the threshold, when it ends in `op number`. */
export function splitThreshold(expression: string): { left: string; op?: string; value?: number } {
  const match = /^(.*\S)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/is.exec(expression);
  if (!match?.[1] || !match[2] || !match[3] || /\bbool\s*$/.test(match[1])) return { left: expression };
  return { left: match[1], op: match[2], value: Number(match[3]) };
}

/** A unit guessed from the metric names in the expression (axis labels only). */
export function unitOf(expression: string): MetricUnit {
  if (/_bytes\b/.test(expression)) return "bytes";
  if (/_seconds(_total)?\b/.test(expression) && !/rate\(|increase\(/.test(expression)) return "seconds";
  if (/_ratio\b/.test(expression)) return "ratio";
  return "none";
}

const MAX_CURRENT = 10;

/**
 * Re-evaluates an alert's expression: its value now, and (without the trailing comparison, so the
 * chart shows the measured value against the threshold rather than only the points above it)
 * the last hour at a 30 s step.
 */
export async function reevaluateAlert(
  client: PrometheusClient,
  expression: string,
  options: { alertname?: string; nowSeconds: number; signal?: AbortSignal },
): Promise<{ reevaluation: AlertReevaluation; chart?: MetricChart; notes: string[] }> {
  const { left, op, value } = splitThreshold(expression);
  const signal = options.signal ? { signal: options.signal } : {};
  const [now, hour] = await Promise.all([
    client.instant(expression, { time: options.nowSeconds, ...signal }),
    client.range(left, { start: options.nowSeconds - 3600, end: options.nowSeconds, step: 30 }, signal),
  ]);
  const current = now.series.slice(0, MAX_CURRENT).map((series) => ({
    labels: labelText(series.labels),
    value: series.points[series.points.length - 1]?.[1] ?? Number.NaN,
  }));
  const reevaluation: AlertReevaluation = {
    ...(options.alertname ? { alertname: options.alertname } : {}),
    expression,
    current,
    lastHour: summaryLines(hour.series),
    seriesCount: now.totalSeries,
  };
  const notes = [...now.notes, ...hour.notes].map((note) => `alert expression: ${note}`);
  if (hour.series.length === 0 || !hour.range) return { reevaluation, notes };
  const name = options.alertname ?? "alert";
  const peak = Math.max(...hour.series.map((s) => seriesStats(s)?.max ?? Number.NEGATIVE_INFINITY));
  const chart: MetricChart = {
    title: `${name}: ${left}`.slice(0, 120),
    unit: unitOf(left),
    series: hour.series.slice(0, 10),
    ...(value !== undefined && op
      ? { threshold: { label: `alert threshold ${op} ${num(value)}`, value } }
      : {}),
    query: left,
    window: { startMs: hour.range.start * 1000, endMs: hour.range.end * 1000 },
    altText: `Line chart of ${left} over the last hour for alert ${name}: ${hour.series.length} series, highest ${num(peak)}${value !== undefined ? `, threshold ${op} ${num(value)}` : ""}; now ${current.length} series match the alert.`,
  };
  return { reevaluation, chart, notes };
}
