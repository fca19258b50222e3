import { afterEach, describe, expect, inject, it } from "vitest";
import { readAudit } from "../../../src/queue/audit.js";
import type { PipelineDeps } from "../../../src/queue/deps.js";
import { type Harness, type HarnessOptions, settled, startHarness } from "../../support/queue-harness.js";
import { restartProposal, scriptedRca, trigger, waitFor } from "../../support/queue-helpers.js";

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

const withProposal: Partial<PipelineDeps> = {
  analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
};

describe("remediation and failure paths", () => {
  it("runs what automatic mode allows without an approver, once, as the policy", async () => {
    const runs: string[] = [];
    const h = await harness({
      ...withProposal,
      autoApprove: async (investigation) => investigation.proposals.map((r) => r.proposal.id),
      remediate: async ({ record, approvedBy, mode }) => {
        runs.push(`${record.proposal.id} ${approvedBy} ${mode}`);
        return { status: "succeeded", message: "restarted" };
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const done = await settled(h, investigation.id, ["resolved", "failed"]);
    expect(done.status).toBe("resolved");
    expect(runs).toEqual(["rollout-restart:shop/api policy automatic"]);
    expect(done.proposals[0]).toMatchObject({ state: "succeeded", mode: "automatic", decidedBy: "policy" });
    expect(done.timeline.map((t) => t.status)).toEqual([
      "queued",
      "collecting",
      "analyzing",
      "proposed",
      "executing",
      "resolved",
    ]);
    const audit = await readAudit(h.redis, investigation.id, { prefix: h.prefix });
    expect(audit.filter((e) => e.kind === "approval")).toMatchObject([{ actor: "policy" }]);
    // A human pressing the button afterwards is told the policy already approved it.
    const late = await h.producer.decide(done.proposals[0]?.token as string, "approve", "U1");
    expect(late).toMatchObject({ ok: false, reason: "already-approved", by: "policy" });
  });

  it("never re-applies a change whose execution was interrupted, and says so", async () => {
    let executions = 0;
    const h = await harness({
      ...withProposal,
      remediate: async () => {
        executions++;
        return { status: "succeeded", message: "applied" };
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    const record = proposed.proposals[0];
    if (!record) throw new Error("no proposal");
    // What a worker that died mid-execution leaves behind: approved, then claimed for execution.
    await h.producer.store.update(investigation.id, (current) => {
      const target = current.proposals[0];
      if (!target) return undefined;
      target.state = "executing";
      target.decidedBy = "U1";
      current.status = "executing";
      return current;
    });
    await h.producer.enqueueRemediation({
      investigationId: investigation.id,
      proposalId: record.proposal.id,
      approvedBy: "U1",
      mode: "manual",
    });
    const failed = await settled(h, investigation.id, ["failed"]);
    expect(executions).toBe(0);
    expect(failed.proposals[0]?.state).toBe("failed");
    expect(failed.error).toMatch(/interrupted/);
    await waitFor(() => h.posts.includes(`${investigation.id} failed`), "the failure to be posted");
  });

  it("refuses to execute a proposal nobody approved", async () => {
    let executions = 0;
    const h = await harness({
      ...withProposal,
      remediate: async () => {
        executions++;
        return { status: "succeeded", message: "applied" };
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    await h.producer.enqueueRemediation({
      investigationId: investigation.id,
      proposalId: proposed.proposals[0]?.proposal.id as string,
      approvedBy: "U-forged",
      mode: "manual",
    });
    const job = await waitFor(async () => {
      const jobs = await h.producer.remediations.getJobs(["failed"]);
      return jobs[0];
    }, "the remediation job to fail");
    expect(job.failedReason).toMatch(/is pending, not approved/);
    expect(job.attemptsMade).toBe(1);
    expect(executions).toBe(0);
    expect((await h.producer.store.require(investigation.id)).status).toBe("proposed");
  });

  it("retries when posting fails (Slack down) and still posts every step once", async () => {
    let failures = 0;
    const h = await harness(withProposal, {
      beforeNotify: (_investigation, update) => {
        if (update.type === "rca" && failures < 2) {
          failures++;
          throw new Error("slack: service unavailable");
        }
      },
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await settled(h, investigation.id, ["proposed", "failed"]);
    await waitFor(
      async () => (await h.producer.investigations.getJob(investigation.id))?.finishedOn,
      "the job to finish",
    );
    expect(failures).toBe(2);
    expect((await h.producer.store.require(investigation.id)).status).toBe("proposed");
    expect(h.posts.map((p) => p.slice(investigation.id.length + 1))).toEqual([
      "status:collecting",
      "triage",
      "status:analyzing",
      "rca",
      "proposal:rollout-restart:shop/api",
      "status:proposed",
    ]);
  });

  /** A harness whose first notification of `failing` fails (Slack away), and the approved fix's outcome. */
  async function approvedWithSlackFailingOnce(
    failing: "execution" | "failed",
    outcome: { status: "succeeded" | "failed"; message: string },
  ) {
    const run = { executions: 0, failures: 0 };
    const h = await harness(
      {
        ...withProposal,
        remediate: async () => {
          run.executions++;
          return outcome;
        },
      },
      {
        beforeNotify: (_investigation, update) => {
          if (update.type === failing && run.failures < 1) {
            run.failures++;
            throw new Error("slack: service unavailable");
          }
        },
      },
    );
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    expect((await h.producer.decide(proposed.proposals[0]?.token as string, "approve", "U1")).ok).toBe(true);
    const posted = (prefix: string) =>
      h.posts.filter((post) => post.startsWith(`${investigation.id} ${prefix}`));
    return { h, id: investigation.id, run, posted };
  }

  it("posts an execution's result even when Slack failed right after the change was applied", async () => {
    const { run, posted } = await approvedWithSlackFailingOnce("execution", {
      status: "succeeded",
      message: "restarted",
    });
    await waitFor(() => posted("execution").length > 0, "the execution's result in the thread");
    expect(run.failures).toBe(1);
    // Applied once; posted once.
    expect(run.executions).toBe(1);
    expect(posted("execution")).toHaveLength(1);
  });

  it("says in the thread that the incident failed even when Slack failed right after a failed fix", async () => {
    const { h, id, run, posted } = await approvedWithSlackFailingOnce("failed", {
      status: "failed",
      message: "the API server refused the patch",
    });
    await waitFor(() => posted("failed").length > 0, "the failure in the thread");
    expect(run.failures).toBe(1);
    expect(posted("failed")).toHaveLength(1);
    expect(posted("execution")).toHaveLength(1);
    expect((await h.producer.store.require(id)).status).toBe("failed");
  });
});
