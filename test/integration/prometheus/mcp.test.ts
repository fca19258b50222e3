import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalPrometheus, startLocalPrometheus } from "../../../src/dev/local-prometheus.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { containerSeries, openMetrics } from "../../support/prometheus.js";

// `k8s-triage mcp` (stdio) with PROMETHEUS_URL: coding agents get the same bounded tool.
const ROOT = process.cwd();
let sim: SimCluster;
let prom: LocalPrometheus;
let dir: string;
let client: Client;

function env(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) out[key] = value;
  return { ...out, LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "", REDIS_URL: "", ...extra };
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((part) => part.text ?? "").join("");
}

beforeAll(async () => {
  sim = await startSimCluster({ scenario: "prod-api-outage" });
  const now = Math.floor(Date.now() / 1000);
  prom = await startLocalPrometheus({
    openMetrics: openMetrics(
      containerSeries(now, { namespace: "prod-api", pod: "api-5d8f9c7b6d-abcde", container: "api" }),
    ),
  });
  dir = await mkdtemp(join(tmpdir(), "prom-mcp-"));
  const kubeconfig = join(dir, "kubeconfig");
  await sim.writeKubeconfig(kubeconfig, "reader");
  const transport = new StdioClientTransport({
    command: join(ROOT, "node_modules", ".bin", "tsx"),
    args: [join(ROOT, "src", "cli.ts"), "mcp"],
    env: env({ KUBECONFIG: kubeconfig, PROMETHEUS_URL: prom.url }),
    cwd: ROOT,
    stderr: "inherit",
  });
  client = new Client({ name: "prom-test", version: "1.0.0" });
  await client.connect(transport);
}, 180_000);
afterAll(async () => {
  await client?.close();
  await prom?.stop();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("prometheus_query over MCP", () => {
  it("is listed as read-only and answers inside the bounds", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "prometheus_query");
    expect(tool?.annotations?.readOnlyHint).toBe(true);
    const result = await client.callTool({
      name: "prometheus_query",
      arguments: { query: "http_requests_errors_ratio", range: "30d", step: "1s" },
    });
    expect(result.isError).toBeFalsy();
    const body = text(result);
    expect(body).toContain("untrusted-data");
    expect(body).toContain("note: range clamped from 30d to 6h (the bound)");
    expect(body).toMatch(/max 0\.12/);
  });

  it("returns a PromQL error as a tool error", async () => {
    const result = await client.callTool({ name: "prometheus_query", arguments: { query: "rate(x[5m]" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/PROMETHEUS_BAD_QUERY/);
  });
});
