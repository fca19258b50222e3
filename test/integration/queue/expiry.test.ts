import { afterEach, describe, expect, inject, it } from "vitest";
import { readAudit } from "../../../src/queue/audit.js";
import { expiryJobId } from "../../../src/queue/jobs.js";
import { type Harness, settled, startHarness } from "../../support/queue-harness.js";
import { restartProposal, scriptedRca, trigger, waitFor } from "../../support/queue-helpers.js";

const redisUrl = inject("redisUrl");
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("proposal expiry", () => {
  it("a delayed BullMQ job expires open proposals at their TTL and tells the notifier, no click needed", async () => {
    let now = Date.now();
    h = await startHarness(redisUrl, {
      clock: () => new Date(now),
      analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
    });
    const { investigation } = await h.producer.submitTrigger(trigger("shop", { requestedBy: "U1" }));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    const record = proposed.proposals[0];
    expect(record?.state).toBe("pending");
    const expiresAt = new Date(record?.expiresAt ?? 0);

    // Scheduled when the proposals were made, to run at the expiry (policy default: 30 minutes).
    const job = await h.producer.investigations.getJob(expiryJobId(investigation.id, expiresAt));
    expect(job?.name).toBe("expire-proposals");
    expect(await job?.getState()).toBe("delayed");
    expect(job?.opts.delay).toBeGreaterThan(29 * 60_000);
    expect(job?.opts.delay).toBeLessThanOrEqual(30 * 60_000);

    // Time passes; the job's moment comes (promoted instead of waiting half an hour).
    now = expiresAt.getTime() + 1000;
    await job?.promote();
    const expired = await waitFor(async () => {
      const current = await h?.producer.store.get(investigation.id);
      return current?.proposals[0]?.state === "expired" ? current : undefined;
    }, "the proposal to expire");
    expect(expired.proposals[0]?.decidedBy).toBeUndefined();
    // The notifier hears about it (a second status update: the Slack notifier edits the card then).
    const statusPosts = () =>
      h?.posts.filter((post) => post === `${investigation.id} status:proposed`).length ?? 0;
    await waitFor(() => (statusPosts() >= 2 ? true : undefined), "the expiry notification");
    const audit = await readAudit(h.redis, investigation.id, { prefix: h.prefix });
    expect(audit.some((entry) => entry.actor === "expiry" && entry.data?.reason === "expired")).toBe(true);
    // A click after that is refused as expired (the record says so, not only the clock).
    const click = await h.producer.decide(record?.token ?? "", "approve", "U0ALICE");
    expect(click).toMatchObject({ ok: false, reason: "expired" });
  });

  it("a retried expiry job announces what the failed attempt had already expired", async () => {
    let now = Date.now();
    let slackDown = false;
    let refusedPosts = 0;
    h = await startHarness(
      redisUrl,
      {
        clock: () => new Date(now),
        analyze: async ({ triage }) => scriptedRca(triage, [restartProposal("shop")]),
      },
      {
        beforeNotify: () => {
          if (!slackDown) return;
          slackDown = false;
          refusedPosts++;
          throw new Error("Slack is away");
        },
      },
    );
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    const proposed = await settled(h, investigation.id, ["proposed"]);
    const expiresAt = new Date(proposed.proposals[0]?.expiresAt ?? 0);
    const job = await h.producer.investigations.getJob(expiryJobId(investigation.id, expiresAt));
    const statusPosts = () =>
      h?.posts.filter((post) => post === `${investigation.id} status:proposed`).length ?? 0;
    const before = statusPosts();
    // The window closes while Slack is away: the first attempt expires the proposal, then fails to post.
    now = expiresAt.getTime() + 1000;
    slackDown = true;
    await job?.promote();
    await waitFor(() => (statusPosts() > before ? true : undefined), "the retried announcement");
    expect(refusedPosts).toBe(1);
    expect((await h.producer.store.require(investigation.id)).proposals[0]?.state).toBe("expired");
    // Expired and audited once, announced once.
    const audit = await readAudit(h.redis, investigation.id, { prefix: h.prefix });
    expect(audit.filter((entry) => entry.actor === "expiry")).toHaveLength(1);
    expect(statusPosts()).toBe(before + 1);
  });
});
