import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "../../../src/health/index.js";

describe("health server", () => {
  const servers: HealthServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it("reports ready while Redis answers and names it when it does not", async () => {
    const good = new Redis(process.env.REDIS_URL as string);
    const bad = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      readiness: {
        redis: async () => {
          await good.ping();
        },
      },
      metrics: async () => "# HELP x y\n",
    });
    servers.push(server);
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: "ok" } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain("# HELP x y");

    const failing = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      readiness: {
        redis: async () => {
          await bad.connect();
        },
      },
    });
    servers.push(failing);
    const notReady = await fetch(`http://127.0.0.1:${failing.port}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { checks: Record<string, string> };
    expect(body.checks.redis).toMatch(/^failed: /);
    good.disconnect();
    bad.disconnect();
  });
});
