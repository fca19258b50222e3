import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMcpArgs } from "../../../src/commands/mcp.js";
import { slackLink } from "../../../src/mcp/views.js";

const ROOT = process.cwd();

/** Every project module reachable by static relative imports from `entry` (type imports included). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(ROOT, entry)];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)\.js"/g)) {
      stack.push(join(dirname(file), `${match[1]}.ts`));
    }
  }
  return new Set([...seen].map((file) => relative(ROOT, file)));
}

describe("k8s-triage mcp has no write path", () => {
  it("imports neither the executor, its writing client, the queue workers nor the Claude loop", () => {
    const modules = reachable("src/commands/mcp.ts");
    expect(modules).toContain("src/mcp/index.ts");
    expect(modules).toContain("src/agent/tools/read-basic.ts");
    for (const forbidden of [
      "src/remediation/executor.ts",
      "src/remediation/kube-client.ts",
      "src/remediation/run.ts",
      "src/queue/worker.ts",
      "src/queue/remediate.ts",
      "src/agent/loop.ts",
    ]) {
      expect(modules, forbidden).not.toContain(forbidden);
    }
  });
});

describe("parseMcpArgs", () => {
  it("defaults to stdio, and HTTP on loopback port 3333", () => {
    expect(parseMcpArgs([])).toMatchObject({ http: false, host: "127.0.0.1", port: 3333, pollMs: 2000 });
    expect(parseMcpArgs(["--http", "--port", "0"])).toMatchObject({ http: true, host: "127.0.0.1", port: 0 });
    expect(parseMcpArgs(["--http", "--host", "::1"]).host).toBe("::1");
  });

  it("refuses what it cannot honour, with the reason", () => {
    expect(() => parseMcpArgs(["--port", "80"])).toThrow(/--port and --host need --http/);
    expect(() => parseMcpArgs(["--http", "--port", "http"])).toThrow(/--port must be an integer/);
    expect(() => parseMcpArgs(["--http", "--host", "example.com"])).toThrow(/IP address or localhost/);
    expect(() => parseMcpArgs(["--write"])).toThrow(/--write/);
  });
});

describe("slackLink", () => {
  it("links the thread's message when the workspace is known, else the channel", () => {
    const thread = { channel: "C0PROD", threadTs: "1765000000.123456" };
    expect(slackLink(thread, "https://acme.slack.com/")).toBe(
      "https://acme.slack.com/archives/C0PROD/p1765000000123456",
    );
    expect(slackLink(thread)).toBe("https://slack.com/app_redirect?channel=C0PROD");
    expect(slackLink(undefined)).toBeUndefined();
  });
});
