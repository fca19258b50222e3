import { afterEach, describe, expect, inject, it } from "vitest";
import { readAudit } from "../../../src/queue/audit.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import type { PipelineDeps } from "../../../src/queue/deps.js";
import { type ProgressEvent, subscribeProgress } from "../../../src/queue/progress.js";
import { createRateLimiter } from "../../../src/queue/rate-limit.js";
import {
  type Harness,
  type HarnessOptions,
  jobFinished,
  settled,
  startHarness,
} from "../../support/queue-harness.js";
import { restartProposal, scriptedRca, trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function harness(
  overrides: Partial<PipelineDeps> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const h = await startHarness(inject("redisUrl"), overrides, options);
  cleanup.push(() => h.close());
  return h;
}

describe("the investigation pipeline", () => {
  it("runs collect, triage, analyze and propose, posting each step once and publishing progress", async () => {
    const h = await harness({
      analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
    });
    const events: ProgressEvent[] = [];
    const unsubscribe = await subscribeProgress(h.redis, (event) => events.push(event), { prefix: h.prefix });
    cleanup.push(unsubscribe);
    const { investigation } = await h.producer.submitTrigger(trigger("shop", { requestedBy: "U1" }));
    await jobFinished(h, investigation.id);
    const done = await h.producer.store.require(investigation.id);

    expect(done.status).toBe("proposed");
    expect(done.timeline.map((t) => t.status)).toEqual(["queued", "collecting", "analyzing", "proposed"]);
    expect(done.triage?.namespace).toBe("shop");
    expect(done.rca?.summary).toBe("scripted triage of shop");
    expect(done.proposals).toHaveLength(1);
    expect(done.proposals[0]?.state).toBe("pending");
    expect(h.posts).toEqual(
      [
        "status:collecting",
        "triage",
        "status:analyzing",
        "rca",
        "proposal:rollout-restart:shop/api",
        "status:proposed",
      ].map((step) => `${investigation.id} ${step}`),
    );
    await waitFor(() => events.some((e) => e.status === "proposed"), "the proposed progress event");
    expect(events.map((e) => e.status)).toEqual(["collecting", "analyzing", "proposed"]);
    const audit = await readAudit(h.redis, investigation.id, { prefix: h.prefix });
    expect(audit.map((e) => e.kind)).toEqual(["trigger", "status", "status", "status"]);
    expect((await h.producer.store.findByToken(done.proposals[0]?.token as string))?.investigation.id).toBe(
      investigation.id,
    );
  });

  it("fails at once, without retries, when the policy does not allow the namespace", async () => {
    let collected = 0;
    const h = await harness(
      {
        collect: async () => {
          collected++;
          throw new Error("must not be called");
        },
      },
      { namespaces: ["prod-*"] },
    );
    const { investigation } = await h.producer.submitTrigger(trigger("kube-system"));
    const failed = await settled(h, investigation.id, ["failed"]);
    expect(failed.error).toMatch(/namespace 'kube-system' is not allowed/);
    expect(collected).toBe(0);
    const job = await waitFor(async () => {
      const j = await h.producer.investigations.getJob(investigation.id);
      return j?.finishedOn ? j : undefined;
    }, "the job to finish");
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe("failed");
    expect(h.posts).toEqual([`${investigation.id} failed`]);
  });

  it("fails at once on an invalid namespace name, and on all namespaces when the policy is narrower", async () => {
    const h = await harness({}, { namespaces: ["prod-*"] });
    const bad = await h.producer.submitTrigger(trigger("Prod_API!"));
    const all = await h.producer.submitTrigger(trigger("*"));
    expect((await settled(h, bad.investigation.id, ["failed"])).error).toMatch(/not a valid namespace name/);
    expect((await settled(h, all.investigation.id, ["failed"])).error).toMatch(
      /namespace '\*' is not allowed/,
    );
  });

  it("retries transient faults with backoff and then completes", async () => {
    let calls = 0;
    const h = await harness({
      analyze: async ({ triage }) => {
        calls++;
        if (calls < 3) throw new Error("model overloaded (529)");
        return scriptedRca(triage);
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const done = await settled(h, investigation.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(calls).toBe(3);
    // The first attempt's collect/triage is a checkpoint: retries resume at the analysis.
    expect(h.posts.filter((p) => p.endsWith(" triage"))).toHaveLength(1);
    expect(new Set(h.posts).size).toBe(h.posts.length);
  });

  it("records the failure and tells the humans once when transient faults outlast the attempts", async () => {
    const h = await harness({
      analyze: async () => {
        throw new Error("model unreachable");
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const failed = await settled(h, investigation.id, ["failed"]);
    expect(failed.error).toBe("model unreachable");
    await waitFor(
      async () => (await h.producer.investigations.getJob(investigation.id))?.finishedOn,
      "job end",
    );
    expect((await h.producer.investigations.getJob(investigation.id))?.attemptsMade).toBe(3);
    expect(h.posts.filter((p) => p.endsWith(" failed"))).toHaveLength(1);
    // A new trigger for the same scope starts a fresh investigation once this one failed.
    const again = await h.producer.submitTrigger(trigger("shop"));
    expect(again.joined).toBe(false);
  });

  it("executes an approved proposal exactly once and records decision, execution and validation", async () => {
    let executions = 0;
    const h = await harness({
      analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
      remediate: async () => {
        executions++;
        return {
          status: "succeeded",
          message: "restarted",
          validation: { verdict: "resolved", evidence: ["3/3 ready"], checkedAt: new Date().toISOString() },
        };
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    const token = proposed.proposals[0]?.token as string;
    const decisions = await Promise.all([
      h.producer.decide(token, "approve", "U1"),
      h.producer.decide(token, "approve", "U2"),
      h.producer.decide(token, "deny", "U3"),
    ]);
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    const resolved = await settled(h, investigation.id, ["resolved", "failed"]);
    expect(resolved.status).toBe("resolved");
    expect(executions).toBe(1);
    expect(resolved.proposals[0]).toMatchObject({ state: "succeeded", outcome: { message: "restarted" } });
    expect(resolved.timeline.map((t) => t.status).slice(-4)).toEqual([
      "approved",
      "executing",
      "validating",
      "resolved",
    ]);
    const kinds = (await readAudit(h.redis, investigation.id, { prefix: h.prefix })).map((e) => e.kind);
    expect(kinds.filter((k) => k === "decision")).toHaveLength(1);
    expect(kinds.filter((k) => k === "refusal")).toHaveLength(2);
    expect(kinds).toContain("execution");
    expect(kinds).toContain("validation");
    expect(await h.producer.remediations.count()).toBe(0);
  });

  it("lets an active job finish when the worker closes gracefully", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const h = await harness({
      analyze: async ({ triage }) => {
        started = true;
        await gate;
        return scriptedRca(triage);
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await waitFor(() => started, "the analysis to start");
    const closed = h.workers.close(30_000);
    release();
    await closed;
    expect((await h.producer.store.require(investigation.id)).status).toBe("completed");
  });

  it("hands an unfinished job back when the grace period runs out; another worker completes it", async () => {
    let release: () => void = () => undefined;
    const never = new Promise<void>((resolve) => {
      release = resolve;
    });
    cleanup.push(async () => release());
    let started = false;
    const fast = { lockDuration: 2500, stalledInterval: 500 };
    const first = await startHarness(
      inject("redisUrl"),
      {
        analyze: async ({ triage }) => {
          started = true;
          await never;
          return scriptedRca(triage);
        },
      },
      fast,
    );
    const { investigation } = await first.producer.submitTrigger(trigger("shop"));
    await waitFor(() => started, "the analysis to start");
    await first.close(50);

    const second = await harness({}, { ...fast, prefix: first.prefix });
    await jobFinished(second, investigation.id);
    const done = await second.producer.store.require(investigation.id);
    expect(done.status).toBe("completed");
    expect(await (await second.producer.investigations.getJob(investigation.id))?.getState()).toBe(
      "completed",
    );
    // Each step was posted once across both workers.
    const steps = [...first.posts, ...second.posts].map((p) => p.slice(investigation.id.length + 1));
    expect(steps).toEqual(["status:collecting", "triage", "status:analyzing", "rca", "status:completed"]);
  });
});

describe("the model rate limit", () => {
  it("hands out the burst and then makes callers wait", async () => {
    const redis = createProducerConnection(inject("redisUrl"));
    await waitReady(redis);
    cleanup.push(() => redis.quit());
    const limiter = createRateLimiter(redis, { key: `${uniquePrefix("rl")}:model`, perMinute: 2 });
    expect(await limiter.tryAcquire()).toBe(0);
    expect(await limiter.tryAcquire()).toBe(0);
    const wait = await limiter.tryAcquire();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30_000);
  });
});
