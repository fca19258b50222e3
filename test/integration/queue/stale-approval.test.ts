import { afterEach, describe, expect, inject, it } from "vitest";
import { readAudit } from "../../../src/queue/audit.js";
import { APPROVAL_START_GRACE_MS } from "../../../src/queue/tokens.js";
import { type Harness, settled, startHarness } from "../../support/queue-harness.js";
import { restartProposal, scriptedRca, trigger, waitFor } from "../../support/queue-helpers.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

/**
 * An approval given while its cluster's executor is away waits on that cluster's queue. These
 * tests move the executor's clock (the producer, which records the click, keeps the real one) to
 * play an executor that comes back late.
 */
async function proposedWithLateExecutor(): Promise<{
  h: Harness;
  id: string;
  token: string;
  executions: string[];
  setExecutorDelay(ms: number): void;
  closeWindowIn(ms: number): Promise<void>;
}> {
  let delay = 0;
  const executions: string[] = [];
  const h = await startHarness(inject("redisUrl"), {
    analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
    remediate: async ({ record }) => {
      executions.push(record.proposal.id);
      return { status: "succeeded", message: "restarted" };
    },
    clock: () => new Date(Date.now() + delay),
  });
  cleanup.push(() => h.close());
  const { investigation } = await h.producer.submitTrigger(trigger("shop"));
  const proposed = await settled(h, investigation.id, ["proposed"]);
  const token = proposed.proposals[0]?.token as string;
  return {
    h,
    id: investigation.id,
    token,
    executions,
    setExecutorDelay: (ms) => {
      delay = ms;
    },
    closeWindowIn: async (ms) => {
      await h.producer.store.update(investigation.id, (current) => {
        const target = current.proposals[0];
        if (!target) return undefined;
        target.expiresAt = new Date(Date.now() + ms).toISOString();
        return current;
      });
    },
  };
}

describe("an approval whose executor comes back late", () => {
  it("is not applied once the window and the grace after the click have passed, and says why", async () => {
    const run = await proposedWithLateExecutor();
    await run.closeWindowIn(60_000);
    // The executor picks the job up an hour after the click: long after the window closed.
    run.setExecutorDelay(3600_000);
    const decided = await run.h.producer.decide(run.token, "approve", "U0ALICE");
    expect(decided.ok).toBe(true);
    const failed = await settled(run.h, run.id, ["failed"]);
    expect(run.executions).toEqual([]);
    expect(failed.proposals[0]?.state).toBe("refused");
    expect(failed.proposals[0]?.outcome?.message).toMatch(
      /^no executor of cluster default started it before \d{4}-\d\d-\d\d \d\d:\d\d UTC \(approved \d{4}-\d\d-\d\d \d\d:\d\d UTC, picked up \d{4}-\d\d-\d\d \d\d:\d\d UTC\), and the cluster may have changed since it was checked — run \/triage shop again$/,
    );
    const audit = await readAudit(run.h.redis, run.id, { prefix: run.h.prefix });
    expect(audit.filter((entry) => entry.kind === "execution")).toMatchObject([
      { actor: "U0ALICE", data: { status: "refused" } },
    ]);
    await waitFor(
      () => run.h.posts.some((post) => post.startsWith(`${run.id} execution`)),
      "the refusal's post",
    );
    // Pressing Approve again cannot revive it: the proposal is closed, and nothing runs.
    const again = await run.h.producer.decide(run.token, "approve", "U0ALICE");
    expect(again.ok).toBe(false);
    expect(run.executions).toEqual([]);
    expect(
      (await readAudit(run.h.redis, run.id, { prefix: run.h.prefix })).filter(
        (entry) => entry.kind === "execution",
      ),
    ).toHaveLength(1);
  });

  it("still runs when it was clicked near the window's end and starts within the grace", async () => {
    const run = await proposedWithLateExecutor();
    await run.closeWindowIn(10_000);
    // Starts after the window closed, but within the grace after the click.
    run.setExecutorDelay(APPROVAL_START_GRACE_MS - 60_000);
    expect((await run.h.producer.decide(run.token, "approve", "U0ALICE")).ok).toBe(true);
    const done = await settled(run.h, run.id, ["resolved", "failed"]);
    expect(done.status).toBe("resolved");
    expect(run.executions).toEqual([done.proposals[0]?.proposal.id]);
  });
});
