import { isIP } from "node:net";
import { parseArgs } from "node:util";
import { parseEnv } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { errorMessage, InputError } from "../errors.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { loadKubeConfig } from "../k8s/kubeconfig.js";
import { log } from "../log.js";
import { serveStdio, startHttpEndpoint, startMcpService } from "../mcp/index.js";
import { prometheusFromEnv } from "../prometheus/index.js";
import { createProducerConnection, waitReady } from "../queue/connection.js";
import { pipelinePrefix, redisSettingsFromEnv } from "../queue/redis-settings.js";

const USAGE = `usage: k8s-triage mcp [--http [--port N] [--host H]] [options]

The read-only investigation tools as an MCP server: stdio by default (for Claude Code, Cursor…),
Streamable HTTP at /mcp with --http (bearer token MCP_AUTH_TOKEN required). Uses the reader
identity only; no tool changes the cluster.

options:
      --http             serve Streamable HTTP instead of stdio
      --port N           HTTP port (default 3333; 0 picks a free one)
      --host H           HTTP interface (default 127.0.0.1; anything else is reachable from other machines)
      --kubeconfig FILE  kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME     kubeconfig context (default: KUBE_CONTEXT or current-context)
      --policy FILE      policy file (default: TRIAGE_POLICY_FILE): its namespaces bound every tool
      --poll-ms N        how often the investigation store is checked for new incidents (default 2000)
  -h, --help             show this help

environment: MCP_AUTH_TOKEN (HTTP), REDIS_URL + QUEUE_PREFIX (investigation resources and incident
notifications), SLACK_WORKSPACE_URL (links to approval threads), KUBECONFIG, KUBE_CONTEXT,
TRIAGE_POLICY_FILE, LOG_LEVEL (logs go to stderr).`;

/** Parsed `mcp` arguments. */
export interface McpArgs {
  help: boolean;
  http: boolean;
  port: number;
  host: string;
  kubeconfig?: string;
  context?: string;
  policy?: string;
  pollMs: number;
}

function integer(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new InputError("USAGE", `${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return number;
}

/** Parses and checks `mcp` arguments; every problem is an InputError (exit code 2). */
export function parseMcpArgs(args: string[]): McpArgs {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(args);
  } catch (error) {
    throw new InputError("USAGE", errorMessage(error));
  }
  const { values } = parsed;
  const http = values.http ?? false;
  if (!http && (values.port !== undefined || values.host !== undefined)) {
    throw new InputError("USAGE", "--port and --host need --http (stdio is the default)");
  }
  const host = values.host ?? "127.0.0.1";
  if (host !== "localhost" && isIP(host) === 0) {
    throw new InputError("USAGE", `--host must be an IP address or localhost, got '${host}'`);
  }
  return {
    help: values.help ?? false,
    http,
    port: integer(values.port, "--port", 3333, 0, 65535),
    host,
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context !== undefined ? { context: values.context } : {}),
    ...(values.policy !== undefined ? { policy: values.policy } : {}),
    pollMs: integer(values["poll-ms"], "--poll-ms", 2000, 50, 600_000),
  };
}

function parseCli(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      http: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      policy: { type: "string" },
      "poll-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** `k8s-triage mcp`: serve until the client disconnects (stdio) or SIGTERM/SIGINT (HTTP). */
export async function run(argv: string[]): Promise<number> {
  let args: McpArgs;
  try {
    args = parseMcpArgs(argv);
  } catch (error) {
    console.error(`k8s-triage mcp: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const env = parseEnv();
  const token = env.MCP_AUTH_TOKEN;
  if (args.http && (token === undefined || token.length < 16)) {
    console.error(
      "k8s-triage mcp: --http needs a bearer token: set MCP_AUTH_TOKEN (at least 16 characters, e.g. `openssl rand -hex 32`)",
    );
    return 2;
  }
  const logger = log.child({ component: "mcp" });
  let policy: ReturnType<typeof loadPolicy>;
  let reader: ReturnType<typeof createClusterReader>;
  try {
    policy = loadPolicy(args.policy ?? env.TRIAGE_POLICY_FILE);
    const kubeconfig = args.kubeconfig ?? env.KUBECONFIG;
    const context = args.context ?? env.KUBE_CONTEXT;
    reader = createClusterReader(
      loadKubeConfig({ ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) }),
    );
  } catch (error) {
    console.error(`k8s-triage mcp: ${errorMessage(error)}`);
    return 2;
  }
  const redisTarget = redisSettingsFromEnv(env);
  const redis = redisTarget ? createProducerConnection(redisTarget, "mcp") : undefined;
  // An unreachable Redis is reported by the feed and the catalog; the tools work without it.
  redis?.on("error", () => undefined);
  if (redis) {
    await waitReady(redis, 2000).catch((error: unknown) => {
      logger.warn("Redis is not ready: investigation resources show this server's runs until it is", {
        error: errorMessage(error),
      });
    });
  }
  // PromQL for the prometheus_query tool when PROMETHEUS_URL is set (same bounds as the workers').
  const prometheus = prometheusFromEnv(env);
  const service = await startMcpService({
    reader,
    policy,
    log: logger,
    ...(redis ? { redis } : {}),
    prefix: pipelinePrefix(env.QUEUE_PREFIX, redisTarget),
    retentionHours: env.INVESTIGATION_RETENTION_HOURS,
    pollMs: args.pollMs,
    ...(env.SLACK_WORKSPACE_URL ? { slackWorkspaceUrl: env.SLACK_WORKSPACE_URL } : {}),
    ...(prometheus ? { prometheus } : {}),
  });
  const shutdown = async () => {
    await service.close().catch(() => undefined);
    reader.close();
    await prometheus?.close().catch(() => undefined);
    redis?.disconnect();
  };
  if (!args.http) {
    logger.info("serving MCP on stdio", { server: reader.server, context: reader.context });
    await serveStdio(service);
    await shutdown();
    return 0;
  }
  const endpoint = await startHttpEndpoint(service.context, service.hub, {
    host: args.host,
    port: args.port,
    token: token as string,
  });
  if (!LOOPBACK.has(args.host)) {
    logger.warn("the MCP endpoint is reachable from other machines; keep MCP_AUTH_TOKEN secret", {
      host: args.host,
    });
  }
  // The one line on stderr a launcher (or a test) reads to find the endpoint.
  console.error(`k8s-triage mcp listening on ${endpoint.url}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await endpoint.close();
  await shutdown();
  return 0;
}
