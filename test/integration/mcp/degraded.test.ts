import { createServer } from "node:net";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";
import { type McpCluster, resourceText, serverEnv, startMcpCluster, textOf, unwrap } from "./harness.js";

const ROOT = process.cwd();
let cluster: McpCluster | undefined;
let client: Client | undefined;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterAll(async () => {
  await client?.close();
  await cluster?.close();
});

describe("k8s-triage mcp with Redis down", () => {
  it("keeps the tools working, lists its own runs, and says why the store is missing", async () => {
    cluster = await startMcpCluster();
    const transport = new StdioClientTransport({
      command: join(ROOT, "node_modules", ".bin", "tsx"),
      args: [join(ROOT, "src", "cli.ts"), "mcp"],
      env: serverEnv(cluster, { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, LOG_LEVEL: "warn" }),
      cwd: ROOT,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client = new Client({ name: "degraded-test", version: "1.0.0" });
    await client.connect(transport);

    const result = await client.callTool({ name: "triage", arguments: { namespace: "prod-api" } });
    expect(result.isError).toBeFalsy();
    const body = JSON.parse(unwrap(textOf(result), "triage"));
    expect(body.rootCauses.length).toBeGreaterThan(0);

    const list = JSON.parse(
      unwrap(resourceText(await client.readResource({ uri: "triage://investigations" })), "investigations"),
    );
    expect(list.map((entry: { id: string }) => entry.id)).toEqual([body.investigationId]);
    expect(stderr).toMatch(/Redis is not ready|cannot read the investigation store/);
  });
});
