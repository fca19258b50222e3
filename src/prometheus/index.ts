/**
 * Prometheus: a read-only, bounded PromQL client and what the investigation reads with it (the
 * alert's own expression, kube-state-metrics / cAdvisor container checks, charts, the
 * `prometheus_query` tool's answers). Off unless PROMETHEUS_URL is set.
 */

import type { Trigger } from "../domain/investigation.js";
import type { Snapshot } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import { PrometheusClient } from "./client.js";
import { collectPrometheus } from "./collect.js";
import { type PrometheusEnv, prometheusOptionsFromEnv } from "./config.js";

export { reevaluateAlert, splitThreshold } from "./alert.js";
export { alertExpression } from "./alert-expr.js";
export {
  boundRange,
  DEFAULT_LIMITS,
  durationText,
  effectiveLimits,
  HARD_LIMITS,
  parseDuration,
  pointsPerSeries,
  type QueryLimits,
  type RangeRequest,
  truncateSeries,
} from "./bounds.js";
export { PrometheusClient, type PrometheusClientOptions, type QueryResult } from "./client.js";
export { bytesText, collectPrometheus, type PrometheusCollectInput } from "./collect.js";
export { type PrometheusEnv, prometheusOptionsFromEnv } from "./config.js";
export { PrometheusError, type PrometheusErrorCode } from "./errors.js";
export { containerQueries } from "./queries.js";
export { labelText, num, seriesStats, summaryLines } from "./summary.js";

/** A client from the environment; undefined when PROMETHEUS_URL is unset. */
export function prometheusFromEnv(env: PrometheusEnv): PrometheusClient | undefined {
  const options = prometheusOptionsFromEnv(env);
  return options ? new PrometheusClient(options) : undefined;
}

/**
 * Wraps a snapshot collector so each snapshot also carries what Prometheus answered
 * (`snapshot.prometheus`). Prometheus faults end up in that section, never as a failed collection.
 */
export function withPrometheus(
  collect: (trigger: Trigger, signal: AbortSignal) => Promise<Snapshot>,
  client: PrometheusClient | undefined,
): (trigger: Trigger, signal: AbortSignal) => Promise<Snapshot> {
  if (!client) return collect;
  return async (trigger, signal) => {
    const snapshot = await collect(trigger, signal);
    const expression = trigger.signal?.expression;
    const started = performance.now();
    try {
      snapshot.prometheus = await collectPrometheus(client, {
        namespace: trigger.namespace,
        pods: snapshot.pods,
        signal,
        ...(expression
          ? {
              alert: {
                expression,
                ...(trigger.signal?.alertname ? { alertname: trigger.signal.alertname } : {}),
              },
            }
          : {}),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      // Each query's failure is already caught; this is the unexpected rest. Still not fatal.
      snapshot.prometheus = {
        url: client.url,
        containers: [],
        peakMemoryBytes: {},
        charts: [],
        errors: [
          { purpose: "Prometheus reads", query: "", code: "PROMETHEUS_ERROR", message: errorMessage(error) },
        ],
        notes: [],
        queries: 0,
        durationMs: Math.round(performance.now() - started),
      };
    }
    return snapshot;
  };
}
