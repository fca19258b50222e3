/**
 * Every metric the bot exports. Counters and histograms are kept in Redis (not process memory) so
 * the serve process's /metrics shows what all worker and watcher replicas did.
 */
export interface MetricDefinition {
  name: string;
  help: string;
  type: "counter" | "histogram" | "gauge";
  labels: readonly string[];
  /** Histogram bucket upper bounds (seconds). */
  buckets?: readonly number[];
}

const phaseBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

export const METRICS = {
  investigations: {
    name: "k8s_triage_investigations_total",
    help: "Investigations finished, by trigger source and outcome.",
    type: "counter",
    labels: ["trigger", "outcome"],
  },
  phaseDuration: {
    name: "k8s_triage_phase_duration_seconds",
    help: "Duration of investigation phases (collect, triage, analyze, post, execute, validate).",
    type: "histogram",
    labels: ["phase"],
    buckets: phaseBuckets,
  },
  modelTokens: {
    name: "k8s_triage_model_tokens_total",
    help: "Tokens sent to and received from the model, by kind (input, output, cache_read, cache_write).",
    type: "counter",
    labels: ["kind"],
  },
  modelCost: {
    name: "k8s_triage_model_cost_usd_total",
    help: "Estimated model cost in US dollars.",
    type: "counter",
    labels: [],
  },
  slackErrors: {
    name: "k8s_triage_slack_api_errors_total",
    help: "Slack Web API calls that failed, by method and error.",
    type: "counter",
    labels: ["method", "error"],
  },
  remediations: {
    name: "k8s_triage_remediations_total",
    help: "Remediations by action and outcome (succeeded, refused, failed, rolled-back, denied, expired).",
    type: "counter",
    labels: ["action", "outcome"],
  },
  queueDepth: {
    name: "k8s_triage_queue_jobs",
    help: "Jobs in each queue by state, read from Redis at scrape time.",
    type: "gauge",
    labels: ["queue", "state"],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
