import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../../../src/dev/local-redis.js";
import { startSimCluster } from "../../../src/sim/index.js";
import { uniquePrefix, waitFor } from "../../support/queue-helpers.js";

const CLI = fileURLToPath(new URL("../../../src/cli.ts", import.meta.url));
const SHOP = fileURLToPath(new URL("../../fixtures/sim/shop.yaml", import.meta.url));

describe("SIGTERM while Redis is gone", () => {
  it("the worker role still exits (it does not wait forever on a dead connection)", async () => {
    const redis = await startRedisServer();
    const sim = await startSimCluster({ state: SHOP, reconciler: null });
    const dir = mkdtempSync(join(tmpdir(), "sigterm-"));
    await sim.writeKubeconfig(join(dir, "kubeconfig"), "reader");
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "worker", "--queues", "investigations"], {
      env: {
        ...process.env,
        LOG_LEVEL: "info",
        HEALTH_PORT: "0",
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix("sigterm"),
        WORKER_SHUTDOWN_GRACE_SECONDS: "2",
        SLACK_BOT_TOKEN: "",
        ANTHROPIC_API_KEY: "",
        KUBECONFIG: join(dir, "kubeconfig"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, "exit");
    try {
      await waitFor(() => stderr.includes("workers started") || undefined, "the worker to start");
      await redis.kill();
      await waitFor(() => stderr.includes("redis connection lost") || undefined, "the worker to notice");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      expect(stderr).toContain("stopping workers");
      expect(code).not.toBeNull();
    } finally {
      child.kill("SIGKILL");
      await redis.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
