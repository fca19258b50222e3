import { describe, expect, it } from "vitest";
import { loadPrompt } from "../../../src/agent/prompts.js";
import { investigationTools } from "../../../src/agent/tools/index.js";
import type { ToolContext } from "../../../src/agent/tools/registry.js";
import { ToolInputError } from "../../../src/agent/tools/registry.js";
import { defaultPolicy, parsePolicy } from "../../../src/config/policy.js";
import { logs, NS, objects } from "./helpers/fixtures.js";
import { MemoryReader } from "./helpers/memory-reader.js";

function context(policy = defaultPolicy()): ToolContext {
  return {
    reader: new MemoryReader(objects(), logs()),
    namespace: NS,
    policy,
    signal: new AbortController().signal,
  };
}

const tool = (name: string) => {
  const found = investigationTools().find((t) => t.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe("read-only tools", () => {
  it("advertise JSON schemas without validation-only noise", () => {
    for (const t of investigationTools()) {
      expect(t.inputSchema.type).toBe("object");
      expect(JSON.stringify(t.inputSchema)).not.toMatch(/"pattern"|"\$schema"/);
    }
  });

  it("list pods as compact rows, not YAML", async () => {
    const out = await tool("list_resources").run({ kind: "pods", labelSelector: "app=api" }, context());
    const [header, ...rows] = out.split("\n");
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+LAST-TERMINATION\s+NODE$/);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^api-7d9f-1\s+0\/1\s+CrashLoopBackOff\s+7\s+Error\(exit 1\)\s+node-1$/);
  });

  it("strip noise from objects and redact env values", async () => {
    const out = await tool("get_resource").run({ kind: "Deployment", name: "api" }, context());
    expect(out).not.toMatch(/managedFields|last-applied|hunter2/);
    expect(out).toContain("name: DB_PASSWORD");
  });

  it("refuse Secrets, unknown kinds and namespaces outside the policy", async () => {
    await expect(tool("get_resource").run({ kind: "Secret", name: "db" }, context())).rejects.toThrow(
      ToolInputError,
    );
    await expect(tool("list_resources").run({ kind: "Widget" }, context())).rejects.toThrow(
      /unknown or unreadable kind/,
    );
    const narrow = context(parsePolicy("namespaces: [prod-*]"));
    await expect(
      tool("list_resources").run({ kind: "Pod", namespace: "kube-system" }, narrow),
    ).rejects.toThrow(/outside the namespaces/);
  });

  it("grep logs by substring and follow owners", async () => {
    const log = await tool("pod_logs").run({ pod: "api-7d9f-1", grep: "FATAL" }, context());
    expect(log.split("\n")).toHaveLength(1);
    const chain = await tool("owner_chain").run({ kind: "Pod", name: "api-7d9f-1" }, context());
    expect(chain).toBe("Pod/api-7d9f-1 -> ReplicaSet/api-7d9f (missing)");
  });

  it("dry_run_action rejects non-catalog actions and other namespaces before any dry-run", async () => {
    const ctx = { ...context(), dryRun: async () => ({ ok: true, message: "dry-run ok" }) };
    await expect(
      tool("dry_run_action").run(
        { action: "delete-namespace", target: { kind: "Namespace", namespace: "", name: NS } },
        ctx,
      ),
    ).rejects.toThrow(/not a valid catalog action/);
    await expect(
      tool("dry_run_action").run(
        { action: "delete-pod", target: { kind: "Pod", namespace: "kube-system", name: "coredns-1" } },
        ctx,
      ),
    ).rejects.toThrow(/targets namespace 'kube-system'/);
    const ok = await tool("dry_run_action").run(
      { action: "rollout-restart", target: { kind: "Deployment", namespace: NS, name: "api" } },
      ctx,
    );
    expect(ok).toContain("accepted: rollout-restart:prod-api/api");
    expect(ok).toContain("dry-run: dry-run ok");
  });
});

describe("prompts", () => {
  it.each(["system", "validation", "follow-up"] as const)(
    "%s.md loads and names the untrusted-data rule",
    (name) => {
      expect(loadPrompt(name)).toMatch(/untrusted-data/);
    },
  );
});
