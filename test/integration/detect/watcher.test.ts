import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { DetectState } from "../../../src/detect/detect-state.js";
import {
  createEventHandler,
  type EventOutcome,
  readerOwnerLookup,
} from "../../../src/detect/event-watcher.js";
import { runWatchLoop } from "../../../src/detect/watch-loop.js";
import type { KubeEvent } from "../../../src/domain/kube.js";
import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import { createLogger } from "../../../src/log.js";
import { Producer } from "../../../src/queue/producer.js";
import { startSimCluster } from "../../../src/sim/index.js";
import { admin, brokenDeployment } from "../../support/sim-admin.js";

const silent = createLogger({}, () => {}, "silent");

function policy(eventsPerMinute = 20) {
  return parsePolicy(`
namespaces: ["prod-*"]
routes: [{namespaces: ["prod-*"], channel: C0PROD, notifyOnStart: true, notifyOnComplete: true}]
rateLimiting: {eventsPerMinute: ${eventsPerMinute}, cooldownMinutes: 15}
`);
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startedIncidents(running: Running): string[] {
  return running.outcomes.flatMap((outcome) => (outcome.result === "started" ? [outcome.incident] : []));
}

interface Running {
  stop(): Promise<void>;
  outcomes: EventOutcome[];
}

describe("event watcher on the simulated cluster", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function setup(options: { historyLimit?: number; eventsPerMinute?: number } = {}) {
    const sim = await startSimCluster({
      scenario: "prod-api-outage",
      ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    });
    const redis = new Redis(process.env.REDIS_URL as string);
    const prefix = `watch-${randomUUID()}`;
    const producer = new Producer({ redis, prefix, retentionHours: 1 });
    const state = new DetectState(redis, prefix);
    const readers: KubeClusterReader[] = [];
    cleanups.push(async () => {
      for (const reader of readers) reader.close();
      await producer.investigations.obliterate({ force: true });
      await producer.investigations.close();
      await producer.remediations.close();
      await state.reset();
      redis.disconnect();
      await sim.close();
    });
    const start = (): Running => {
      const reader = createClusterReader(sim.kubeConfig("reader"));
      readers.push(reader);
      const outcomes: EventOutcome[] = [];
      const handle = createEventHandler({
        policy: policy(options.eventsPerMinute),
        state,
        owners: readerOwnerLookup(reader),
        submit: (trigger) => producer.submitTrigger(trigger),
        log: silent,
      });
      const controller = new AbortController();
      const record = async (event: KubeEvent) => {
        outcomes.push(await handle(event));
      };
      const loop = runWatchLoop({
        reader,
        listWithVersion: async (plural, opts) => {
          const listed = await reader.listWithVersion(plural, opts);
          return { items: listed.items as KubeEvent[], resourceVersion: listed.resourceVersion };
        },
        state,
        signal: controller.signal,
        log: silent,
        minBackoffMs: 20,
        onEvent: record,
        onBacklog: async (events) => {
          for (const event of events) await record(event);
        },
      });
      return {
        outcomes,
        stop: async () => {
          controller.abort();
          await loop;
        },
      };
    };
    const investigations = async () => {
      const list = await producer.store.recent(100);
      return list.map((inv) => `${inv.trigger.target?.kind}/${inv.trigger.target?.name}`).sort();
    };
    return { sim, state, start, investigations, producer };
  }

  it("treats existing events as history, then opens one investigation per failing workload", async () => {
    const { sim, state, start, investigations, producer } = await setup();
    const watcher = start();
    cleanups.push(() => watcher.stop());
    await waitFor("the watch to start", async () => (await state.resourceVersion()) ?? undefined);
    expect(await investigations()).toEqual([]);

    sim.clock.advance(60_000);
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("billing", 2));
    // Restarting api-gateway's pods makes fresh crash events for three pods of one Deployment.
    for (const pod of sim.view.list("Pod", "prod-api")) {
      if (pod.metadata.name?.startsWith("api-gateway-")) {
        await admin(sim, "DELETE", `/api/v1/namespaces/prod-api/pods/${pod.metadata.name}`);
      }
    }
    // The new pods start, then fail their liveness probes and crash as time passes.
    sim.clock.advance(60_000);
    await waitFor("billing and api-gateway", async () => {
      const found = await investigations();
      return found.includes("Deployment/billing") && found.includes("Deployment/api-gateway")
        ? true
        : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Other workloads still failing may emit fresh warnings too; each is one incident, once.
    const found = await investigations();
    expect(new Set(found).size).toBe(found.length);
    expect(found.every((target) => target.startsWith("Deployment/"))).toBe(true);
    expect(startedIncidents(watcher)).toEqual([...new Set(startedIncidents(watcher))]);
    expect(startedIncidents(watcher)).toHaveLength(found.length);
    expect(watcher.outcomes.some((o) => o.result === "ignored" && /cooling down/.test(o.reason))).toBe(true);
    const billing = (await producer.store.recent(10)).find((inv) => inv.trigger.target?.name === "billing");
    expect(billing?.trigger).toMatchObject({
      source: "watcher",
      namespace: "prod-api",
      slack: { channel: "C0PROD" },
    });
    expect(billing?.trigger.text).toMatch(/secret "billing-secret" not found/);
  });

  it("resumes after a restart without repeating old incidents or missing new ones", async () => {
    const { sim, state, start, investigations } = await setup();
    const first = start();
    await waitFor("the watch to start", async () => (await state.resourceVersion()) ?? undefined);
    sim.clock.advance(60_000);
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("billing", 2));
    await waitFor("billing", async () =>
      (await investigations()).includes("Deployment/billing") ? true : undefined,
    );
    await first.stop();

    // While the watcher is down, another workload breaks.
    sim.clock.advance(60_000);
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("ledger", 2));
    const second = start();
    cleanups.push(() => second.stop());
    await waitFor("ledger", async () =>
      (await investigations()).includes("Deployment/ledger") ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = [...startedIncidents(first), ...startedIncidents(second)];
    expect(all).toEqual([...new Set(all)]);
    expect(startedIncidents(second)).not.toContain("prod-api/Deployment/billing");
    expect(startedIncidents(second)).toContain("prod-api/Deployment/ledger");
    expect(
      second.outcomes.some((o) => o.result === "ignored" && /billing is cooling down/.test(o.reason)),
    ).toBe(true);
  });

  it("relists after 410 Gone and still handles what happened in the gap, once", async () => {
    const { sim, state, start, investigations } = await setup({ historyLimit: 5 });
    const first = start();
    await waitFor("the watch to start", async () => (await state.resourceVersion()) ?? undefined);
    await first.stop();
    sim.clock.advance(60_000);
    // Far more changes than the server keeps: the saved resourceVersion expires.
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("ledger", 2));
    for (let i = 0; i < 8; i++) {
      await admin(sim, "POST", "/api/v1/namespaces/prod-api/configmaps", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `filler-${i}`, namespace: "prod-api" },
        data: { i: String(i) },
      });
    }
    const second = start();
    cleanups.push(() => second.stop());
    await waitFor("ledger after relist", async () =>
      (await investigations()).includes("Deployment/ledger") ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Handled once, although the relist hands the gap's events over again.
    expect(startedIncidents(second).filter((incident) => incident.endsWith("/ledger"))).toHaveLength(1);
    expect(second.outcomes.some((o) => o.result === "ignored" && o.reason === "already handled")).toBe(true);
    const found = await investigations();
    expect(new Set(found).size).toBe(found.length);
  });

  it("honours the global rate limit", async () => {
    const { sim, state, start, investigations } = await setup({ eventsPerMinute: 1 });
    const watcher = start();
    cleanups.push(() => watcher.stop());
    await waitFor("the watch to start", async () => (await state.resourceVersion()) ?? undefined);
    sim.clock.advance(60_000);
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("billing", 2));
    await admin(sim, "POST", "/apis/apps/v1/namespaces/prod-api/deployments", brokenDeployment("ledger", 2));
    await waitFor("a rate-limited event", () =>
      watcher.outcomes.some((o) => o.result === "ignored" && o.reason === "global rate limit reached")
        ? true
        : undefined,
    );
    expect(await investigations()).toHaveLength(1);
  });
});
