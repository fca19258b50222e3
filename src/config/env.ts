import { z } from "zod";
import { ConfigError } from "../errors.js";

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value));

export const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  /** Socket Mode when set. */
  SLACK_APP_TOKEN: optionalString,
  /** Slack Web API base, e.g. a local fake in tests. Must end with a slash (Bolt appends method names). */
  SLACK_API_URL: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  REDIS_URL: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  // claude-sonnet-4-5 reaches end-of-life on 2026-11-30 (the SDK warns); the agent prices this one.
  ANTHROPIC_MODEL: z.string().default("claude-sonnet-5-5"),
  KUBECONFIG: optionalString,
  /** Kubeconfig context for the read path. */
  KUBE_CONTEXT: optionalString,
  TRIAGE_POLICY_FILE: optionalString,
  /** The executor's own identity; defaults to the main kubeconfig. */
  EXECUTOR_KUBECONFIG: optionalString,
  ALERTMANAGER_WEBHOOK_TOKEN: optionalString,
  /** Bearer token of `k8s-triage mcp --http` (required there). */
  MCP_AUTH_TOKEN: optionalString,
  /** Slack workspace URL (https://acme.slack.com), for links to investigation threads. */
  SLACK_WORKSPACE_URL: optionalString,
  /** Port of /healthz, /readyz and /metrics for worker and watcher roles (0 = any free port). */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /** Model calls per minute across all workers (BullMQ limiter). */
  MODEL_CALLS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** How long investigation records are kept, in hours. */
  INVESTIGATION_RETENTION_HOURS: z.coerce.number().positive().default(72),
  /** Prefix of every Redis key and BullMQ queue of the pipeline (all roles must agree). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.', '-' only")
    .default("k8s-triage"),
  /** Seconds a stopping worker lets active jobs finish before handing them back. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().nonnegative().default(30),
  /** `queue`: post nothing to Slack, hand updates to the notifications queue (a role with no Slack token). */
  NOTIFY_VIA: z.enum(["slack", "queue"]).optional(),
  /** The cluster's name as shown on every Slack message (one cluster per deployment today). */
  CLUSTER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/, "1-63 letters, digits, '_', '.', ':', '-'")
    .default("default"),
  /** Clusters the central serve knows before their agents register (comma-separated names). */
  CLUSTERS: optionalString,
  /** An agent whose heartbeat is older than this is offline: nothing is enqueued for its cluster. */
  AGENT_OFFLINE_SECONDS: z.coerce.number().int().positive().default(60),
  /** How often an agent writes its heartbeat. */
  AGENT_HEARTBEAT_SECONDS: z.coerce.number().positive().default(15),
  /** The Alertmanager label that names an alert's cluster. */
  ALERTMANAGER_CLUSTER_LABEL: z.string().min(1).default("cluster"),
});

/** The process environment, parsed once. */
export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Parses an environment (default: process.env); throws a ConfigError listing every bad variable. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError("ENV_INVALID", `invalid environment:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** The cluster name every message shows (`CLUSTER_NAME`, default "default"). */
export function clusterName(source: Pick<Env, "CLUSTER_NAME"> = env()): string {
  return source.CLUSTER_NAME;
}

/** The process environment, parsed on first use and cached. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
