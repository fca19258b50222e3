import { afterEach, describe, expect, inject, it } from "vitest";
import type { RcaRootCause } from "../../../src/domain/rca.js";
import { type Harness, settled, startHarness } from "../../support/queue-harness.js";
import { restartProposal, scriptedRca, trigger, waitFor } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

/** A crash-loop root cause of `workload` in shop, as the RCA names it (restartProposal fixes it). */
function crashLoop(workload: string): RcaRootCause {
  return {
    category: "crash-loop",
    name: `${workload} crash-loops`,
    summary: `${workload} crash-loops.`,
    resource: { kind: "Deployment", namespace: "shop", name: workload },
    affected: [],
    evidence: [],
    confidence: 0.9,
  };
}

describe("an investigation with two root causes", () => {
  it("is resolved only after both fixes validated; after the first it waits for the second", async () => {
    const executed: string[] = [];
    const h: Harness = await startHarness(inject("redisUrl"), {
      analyze: async ({ triage }) => ({
        ...scriptedRca(triage, [restartProposal("shop", "api"), restartProposal("shop", "worker")]),
        rootCauses: [crashLoop("api"), crashLoop("worker")],
      }),
      remediate: async ({ record }) => {
        executed.push(record.proposal.id);
        return {
          status: "succeeded",
          message: "restarted",
          validation: { verdict: "resolved", evidence: ["2/2 ready"], checkedAt: new Date().toISOString() },
        };
      },
    });
    cleanup.push(() => h.close());
    const posted = (step: string) => h.posts.filter((post) => post.endsWith(` ${step}`)).length;
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    const [api, worker] = proposed.proposals;

    expect((await h.producer.decide(api?.token as string, "approve", "U1")).ok).toBe(true);
    const afterFirst = await waitFor(async () => {
      const current = await h.producer.store.get(investigation.id);
      // The parent is updated again once the fix counted (the first "proposed" was the analysis).
      return current?.proposals[0]?.state === "succeeded" && posted("status:proposed") === 2
        ? current
        : undefined;
    }, "the first fix validated and announced");
    // One of two causes fixed: back to waiting for the other fix, never resolved.
    expect(afterFirst.status).toBe("proposed");
    expect(afterFirst.timeline.map((t) => t.status).slice(-4)).toEqual([
      "approved",
      "executing",
      "validating",
      "proposed",
    ]);

    expect((await h.producer.decide(worker?.token as string, "approve", "U1")).ok).toBe(true);
    const done = await settled(h, investigation.id, ["resolved", "failed"]);
    expect(done.status).toBe("resolved");
    expect(executed).toEqual(["rollout-restart:shop/api", "rollout-restart:shop/worker"]);
    // The parent was told each phase of the second fix too (its own notification keys).
    expect(posted("status:executing")).toBe(2);
    expect(h.posts).toContain(`${investigation.id} status:resolved`);
  });
});
