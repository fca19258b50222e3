import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { freePort, type RedisServer, startRedisServer } from "../../../src/dev/local-redis.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";

/**
 * The long-running roles started while a dependency is away: they stay alive, /healthz answers,
 * /readyz fails naming the dependency, a clear line is logged at a bounded rate, and once the
 * dependency answers the role becomes ready by itself.
 */

const ROOT = process.cwd();
// Each case starts a role as a child process through tsx; on a loaded 2-core CI machine that alone
// can take most of the default 60 s.
vi.setConfig({ testTimeout: 180_000 });

interface Role {
  child: ChildProcess;
  stderr: () => string;
  healthPort: number;
}

const running: Role[] = [];

function startRole(args: string[], env: NodeJS.ProcessEnv, healthPort: number): Role {
  const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "src", "cli.ts"), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: "info",
      ANTHROPIC_API_KEY: "",
      HEALTH_PORT: String(healthPort),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  const role = { child, stderr: () => stderr, healthPort };
  running.push(role);
  return role;
}

async function get(port: number, path: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let sim: SimCluster;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "startup-faults-"));
  sim = await startSimCluster({ scenario: "a-team-missing-pvc" });
  kubeconfig = join(dir, "reader.kubeconfig");
  await sim.writeKubeconfig(kubeconfig, "reader");
});
afterEach(async () => {
  for (const role of running.splice(0)) {
    if (role.child.exitCode === null) {
      const exited = new Promise((resolve) => role.child.once("exit", resolve));
      role.child.kill("SIGTERM");
      await exited;
    }
  }
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  { role: "worker", args: ["worker", "--queues", "investigations"] },
  { role: "watcher", args: ["watcher"] },
  { role: "serve", args: ["serve"] },
])("$role with Redis unreachable at startup", ({ role, args }) => {
  it("stays alive, names Redis in /readyz and the log, and becomes ready when Redis answers", async () => {
    const redisPort = await freePort();
    const healthPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const slack = role === "serve" ? await new FakeSlack().start() : undefined;
    const started = startRole(
      args,
      {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: `startup-${role}-${Date.now()}`,
        KUBECONFIG: kubeconfig,
        ...(slack
          ? {
              SLACK_BOT_TOKEN: slack.token,
              SLACK_SIGNING_SECRET: "startup-secret",
              SLACK_API_URL: slack.url,
              PORT: String(await freePort()),
            }
          : {}),
      },
      healthPort,
    );
    let redis: RedisServer | undefined;
    try {
      const ready = await until("a /readyz answer", () => get(healthPort, "/readyz"));
      expect(ready.status).toBe(503);
      expect(ready.body).toContain("redis");
      expect(ready.body).toContain(`127.0.0.1:${redisPort}`);
      expect((await get(healthPort, "/healthz"))?.status).toBe(200);
      await until("the waiting line", async () =>
        started.stderr().includes(`waiting for Redis at ${redisUrl}`) ? true : undefined,
      );
      // Bounded: at most one such line per 10 s, however often ioredis retries.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(started.stderr().split(`waiting for Redis at ${redisUrl}`).length - 1).toBe(1);
      expect(started.stderr()).not.toContain("Unhandled error event");
      expect(started.child.exitCode).toBeNull();

      redis = await startRedisServer({ port: redisPort });
      const answered = await until("/readyz 200", async () => {
        const result = await get(healthPort, "/readyz");
        return result?.status === 200 ? result : undefined;
      });
      expect(JSON.parse(answered.body)).toMatchObject({ ready: true, checks: { redis: "ok" } });
      const metrics = await get(healthPort, "/metrics");
      expect(metrics?.status).toBe(200);
      expect(metrics?.body).toMatch(/^k8s_triage_metrics_exporter 1$/m);
    } finally {
      await slack?.stop();
      if (started.child.exitCode === null) {
        const exited = new Promise((resolve) => started.child.once("exit", resolve));
        started.child.kill("SIGTERM");
        await exited;
      }
      await redis?.stop();
    }
  });
});

describe("serve with Slack unreachable", () => {
  it("says Slack is unreachable (not that the token was refused) and waits for it", async () => {
    const healthPort = await freePort();
    const slackPort = await freePort();
    const started = startRole(
      ["serve"],
      {
        REDIS_URL: process.env.REDIS_URL,
        QUEUE_PREFIX: `startup-slack-${Date.now()}`,
        SLACK_BOT_TOKEN: "xoxb-fake-token",
        SLACK_SIGNING_SECRET: "startup-secret",
        SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
        PORT: String(await freePort()),
      },
      healthPort,
    );
    const line = await until("the Slack line", async () =>
      /waiting for Slack: Slack at http:\/\/127\.0\.0\.1:\d+\/api\/ is unreachable/.test(started.stderr())
        ? started.stderr()
        : undefined,
    );
    expect(line).not.toContain("refused");
    const ready = await get(healthPort, "/readyz");
    expect(ready?.status).toBe(503);
    expect(ready?.body).toMatch(/"slack":"failed: not connected yet/);
    const slack = await new FakeSlack().start(slackPort);
    try {
      await until("/readyz 200", async () =>
        (await get(healthPort, "/readyz"))?.status === 200 ? true : undefined,
      );
    } finally {
      await slack.stop();
    }
  });

  it("exits naming a refused token when Slack answers invalid_auth", async () => {
    const slack = await new FakeSlack().start();
    try {
      const started = startRole(
        ["serve"],
        {
          REDIS_URL: process.env.REDIS_URL,
          QUEUE_PREFIX: `startup-auth-${Date.now()}`,
          SLACK_BOT_TOKEN: "xoxb-wrong",
          SLACK_SIGNING_SECRET: "startup-secret",
          SLACK_API_URL: slack.url,
          PORT: String(await freePort()),
        },
        await freePort(),
      );
      const code = await new Promise((resolve) => started.child.once("exit", resolve));
      expect(code).toBe(1);
      expect(started.stderr()).toContain("SLACK_BOT_TOKEN was refused by Slack");
      expect(started.stderr()).toContain("invalid_auth");
    } finally {
      await slack.stop();
    }
  });
});
