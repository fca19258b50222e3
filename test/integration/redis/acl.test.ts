import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { Producer } from "../../../src/queue/producer.js";
import type { RedisSettings } from "../../../src/queue/redis-settings.js";
import { scopePrefix } from "../../../src/queue/scope.js";
import { startPipelineWorkers } from "../../../src/queue/worker.js";
import { policyFor, scriptedDeps, trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { type RedisProcess, spawnRedis } from "../../support/redis-topology.js";
import { runCli } from "../cli/run-cli.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const AGENT_PASSWORD = "agent-eu-1-secret-password";
const CENTRAL_PASSWORD = "central-secret-password";

/** The ACL SETUSER line `k8s-triage redis-acl` prints for these arguments. */
async function aclLine(args: string[], password: string): Promise<string> {
  const result = await runCli(["redis-acl", ...args, "--password-env", "ACL_TEST_PASSWORD"], {
    ACL_TEST_PASSWORD: password,
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const line = result.stdout.trim();
  // The password only appears as its hash.
  expect(line).not.toContain(password);
  return line;
}

let agentLine: string;
let centralLine: string;
const base = uniquePrefix("acl");

beforeAll(async () => {
  [agentLine, centralLine] = await Promise.all([
    aclLine(["--user", "agent-eu-1", "--cluster", "eu-1", "--prefix", base], AGENT_PASSWORD),
    aclLine(["--user", "central", "--central", "--prefix", base], CENTRAL_PASSWORD),
  ]);
}, 60_000);

/** A redis-server of this test (ACL changes must not leak into the shared one), with both users. */
async function serverWithUsers(): Promise<{ server: RedisProcess; url: string }> {
  const server = await spawnRedis();
  cleanup.push(() => server.stop());
  const url = `redis://127.0.0.1:${server.port}`;
  const admin = new Redis(url);
  try {
    for (const line of [agentLine, centralLine]) {
      const [acl, setuser, ...rest] = line.split(" ");
      expect(`${acl} ${setuser}`).toBe("ACL SETUSER");
      expect(await admin.call("ACL", "SETUSER", ...rest)).toBe("OK");
    }
  } finally {
    admin.disconnect();
  }
  return { server, url };
}

function user(url: string, username: string, password: string): RedisSettings {
  return { mode: "standalone", url, username, password };
}

describe("Redis ACL users per cluster", () => {
  it("lets the eu-1 agent run eu-1's pipeline but not read or enqueue us-1's; the central user does both", async () => {
    const { url } = await serverWithUsers();
    const agent = user(url, "agent-eu-1", AGENT_PASSWORD);
    const central = user(url, "central", CENTRAL_PASSWORD);
    const eu1 = scopePrefix(base, "eu-1");
    const us1 = scopePrefix(base, "us-1");

    // The agent's worker (BullMQ workers, QueueEvents, store, audit, metrics) on eu-1's scope.
    const workers = await startPipelineWorkers({
      redisUrl: agent,
      prefix: eu1,
      policy: policyFor(),
      retentionHours: 1,
      deps: scriptedDeps({ notifier: { notify: async () => undefined } }),
    });
    cleanup.push(() => workers.close(1000));
    const centralRedis = createProducerConnection(central, "central");
    cleanup.push(async () => centralRedis.disconnect());
    await waitReady(centralRedis);
    const toEu1 = new Producer({ redis: centralRedis, prefix: eu1, retentionHours: 1 });
    cleanup.push(() => toEu1.close());
    const { investigation } = await toEu1.submitTrigger(trigger("shop"));
    const done = await waitFor(async () => {
      const record = await toEu1.store.get(investigation.id);
      return record?.status === "completed" ? record : undefined;
    }, "the agent's worker to complete eu-1's investigation");
    expect(done.triage?.namespace).toBe("shop");

    // The central user enqueues on us-1 too.
    const toUs1 = new Producer({ redis: centralRedis, prefix: us1, retentionHours: 1 });
    cleanup.push(() => toUs1.close());
    const other = await toUs1.submitTrigger(trigger("billing"));
    expect(await centralRedis.exists(`${us1}:inv:${other.investigation.id}`)).toBe(1);

    // The agent cannot: not read us-1's records, not enqueue there, not publish on its channel.
    const agentRedis = createProducerConnection(agent, "agent");
    cleanup.push(async () => agentRedis.disconnect());
    await waitReady(agentRedis);
    expect(await agentRedis.exists(`${eu1}:inv:${investigation.id}`)).toBe(1);
    await expect(agentRedis.get(`${us1}:inv:${other.investigation.id}`)).rejects.toThrow(/NOPERM/);
    const agentToUs1 = new Producer({ redis: agentRedis, prefix: us1, retentionHours: 1 });
    cleanup.push(() => agentToUs1.close().catch(() => undefined));
    await expect(agentToUs1.submitTrigger(trigger("billing"))).rejects.toThrow(/NOPERM/);
    const us1Queue = new Queue("investigations", { connection: agentRedis, prefix: us1 });
    cleanup.push(() => us1Queue.close().catch(() => undefined));
    await expect(us1Queue.add("investigate", { forged: true })).rejects.toThrow(/NOPERM/);
    await expect(us1Queue.getJob(other.investigation.id)).rejects.toThrow(/NOPERM/);
    await expect(agentRedis.publish(`${us1}:progress`, "{}")).rejects.toThrow(/NOPERM/);
    // Nor list other scopes' key names, nor change the server.
    await expect(agentRedis.scan("0")).rejects.toThrow(/NOPERM/);
    await expect(agentRedis.keys("*")).rejects.toThrow(/NOPERM/);
    await expect(agentRedis.call("CONFIG", "SET", "maxmemory", "1")).rejects.toThrow(/NOPERM/);
    await expect(agentRedis.flushall()).rejects.toThrow(/NOPERM/);
    // Hash-tagged scopes (Redis Cluster) are kept apart the same way.
    expect(await agentRedis.set(`{${eu1}}:probe`, "1")).toBe("OK");
    await expect(agentRedis.set(`{${us1}}:probe`, "1")).rejects.toThrow(/NOPERM/);
    expect(await centralRedis.set(`{${us1}}:probe`, "1")).toBe("OK");
    // The us-1 job the central user queued is untouched by the agent's attempts.
    expect(await toUs1.investigations.getJobCounts("wait")).toEqual({ wait: 1 });
  });

  it("redis-acl says what is missing instead of printing a rule that would not isolate", async () => {
    const both = await runCli(["redis-acl", "--user", "a", "--cluster", "eu-1", "--central"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("give exactly one of --cluster NAME (an agent user) or --central");
    const unset = await runCli([
      "redis-acl",
      "--user",
      "a",
      "--cluster",
      "eu-1",
      "--password-env",
      "NOPE_UNSET",
    ]);
    expect(unset.stderr).toContain("NOPE_UNSET is not set");
    const wide = await runCli(["redis-acl", "--user", "a", "--cluster", "default"]);
    expect(wide.stderr).toContain("REDIS_ACL_INVALID");
    expect(wide.stdout).toBe("");
    const file = await runCli([
      "redis-acl",
      "--user",
      "agent-eu-1",
      "--cluster",
      "eu-1",
      "--prefix",
      "p",
      "--aclfile",
    ]);
    expect(file.stdout.trim()).toMatch(/^user agent-eu-1 on ~p:eu-1:\* ~\{p:eu-1\}:\* &p:eu-1:\* /);
  });
});
