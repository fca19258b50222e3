import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InvestigationStore } from "../../../src/queue/store.js";
import { proposalRecords } from "../../../src/queue/tokens.js";
import { restartProposal, trigger, uniquePrefix } from "../../support/queue-helpers.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.quit();
});

function store(retentionHours = 1): InvestigationStore {
  return new InvestigationStore(redis, { prefix: uniquePrefix("store"), retentionHours });
}

async function proposed(s: InvestigationStore, now: Date, count = 1) {
  const { investigation } = await s.createOrJoin(trigger("a"), now);
  const proposals = Array.from({ length: count }, (_, i) => restartProposal("a", `w${i}`));
  const records = proposalRecords(proposals, now, 30);
  await s.transition(investigation.id, "collecting", now);
  await s.transition(investigation.id, "analyzing", now);
  const done = await s.transition(investigation.id, "proposed", now, {
    patch: (r) => {
      r.proposals = records;
    },
  });
  await s.registerTokens(done);
  return done;
}

describe("investigation store", () => {
  it("keeps records with a TTL and indexes them newest first", async () => {
    const s = store(2);
    const first = await s.createOrJoin(trigger("a"), new Date());
    const second = await s.createOrJoin(trigger("b"), new Date(Date.now() + 1));
    const ttl = await redis.ttl(s.keys.investigation(first.investigation.id));
    expect(ttl).toBeGreaterThan(3600);
    expect(ttl).toBeLessThanOrEqual(7200);
    expect((await s.recent(10)).map((r) => r.id)).toEqual([second.investigation.id, first.investigation.id]);
  });

  it("loses no write when many updates race on one record", async () => {
    const s = store();
    const { investigation } = await s.createOrJoin(trigger("a"), new Date());
    const racers = Array.from({ length: 50 }, (_, i) => {
      const other = new Redis(inject("redisUrl"));
      const view = new InvestigationStore(other, { prefix: s.keys.prefix, retentionHours: 1 });
      return view
        .update(investigation.id, (r) => {
          r.joined.push(trigger("a", { text: `racer ${i}` }));
          return r;
        })
        .finally(() => other.quit());
    });
    await Promise.all(racers);
    const final = await s.require(investigation.id);
    expect(final.joined.map((t) => t.text).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `racer ${i}`).sort(),
    );
  });

  it("refuses illegal transitions and leaves the record unchanged", async () => {
    const s = store();
    const { investigation } = await s.createOrJoin(trigger("a"), new Date());
    await expect(s.transition(investigation.id, "resolved", new Date())).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
    });
    expect((await s.require(investigation.id)).status).toBe("queued");
  });

  it("takes exactly one of many concurrent decisions on a proposal", async () => {
    const s = store();
    const now = new Date();
    const inv = await proposed(s, now);
    const token = inv.proposals[0]?.token as string;
    const connections = Array.from({ length: 20 }, () => new Redis(inject("redisUrl")));
    const results = await Promise.all(
      connections.map((c, i) =>
        new InvestigationStore(c, { prefix: s.keys.prefix, retentionHours: 1 }).decideProposal(
          token,
          i % 2 === 0 ? "approve" : "deny",
          `U${i}`,
          now,
        ),
      ),
    );
    await Promise.all(connections.map((c) => c.quit()));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    if (!winner?.ok) throw new Error("no winner");
    const stored = await s.require(inv.id);
    expect(stored.proposals[0]?.decidedBy).toBe(winner.proposal.decidedBy);
    for (const refusal of results.filter((r) => !r.ok)) {
      expect(refusal).toMatchObject({
        reason: winner.decision === "approve" ? "already-approved" : "already-denied",
        by: winner.proposal.decidedBy,
      });
    }
  });

  it("refuses expired and unknown tokens, and marks the proposal expired", async () => {
    const s = store();
    const now = new Date();
    const inv = await proposed(s, now);
    const token = inv.proposals[0]?.token as string;
    const late = new Date(now.getTime() + 31 * 60_000);
    expect(await s.decideProposal(token, "approve", "U1", late)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect((await s.require(inv.id)).proposals[0]?.state).toBe("expired");
    expect(await s.decideProposal(token, "approve", "U1", now)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(await s.decideProposal("x".repeat(32), "approve", "U1", now)).toMatchObject({
      ok: false,
      reason: "unknown-token",
    });
  });

  it("finds an investigation by proposal token", async () => {
    const s = store();
    const inv = await proposed(s, new Date(), 2);
    const token = inv.proposals[1]?.token as string;
    const found = await s.findByToken(token);
    expect(found?.investigation.id).toBe(inv.id);
    expect(found?.proposal.proposal.id).toBe("rollout-restart:a/w1");
    expect(await s.findByToken("unknown")).toBeUndefined();
  });

  it("finds the newest investigation of a Slack thread in one read, and an older one never takes it back", async () => {
    const s = store();
    const t0 = new Date("2026-12-04T10:00:00Z");
    // A slash command's investigation: its thread is known once the parent is posted.
    const first = await s.createOrJoin(trigger("a"), t0);
    expect(await s.findByThread("C0OPS", "1764842400.000100")).toBeUndefined();
    await s.update(first.investigation.id, (current) => {
      current.thread = { channel: "C0OPS", threadTs: "1764842400.000100", statusTs: "1764842400.000100" };
      return current;
    });
    expect((await s.findByThread("C0OPS", "1764842400.000100"))?.id).toBe(first.investigation.id);
    await s.transition(first.investigation.id, "failed", t0, { note: "test" });
    // "re-investigate" in that thread: a fresh investigation, created with the thread.
    const second = await s.createOrJoin(
      trigger("a", { source: "mention", slack: { channel: "C0OPS", threadTs: "1764842400.000100" } }),
      new Date(t0.getTime() + 60_000),
    );
    expect(second.outcome).toBe("created");
    expect((await s.findByThread("C0OPS", "1764842400.000100"))?.id).toBe(second.investigation.id);
    // A late write to the first (its expiry job, a card redraw) leaves the thread to the second.
    await s.update(first.investigation.id, (current) => {
      current.updatedAt = new Date(t0.getTime() + 120_000).toISOString();
      return current;
    });
    expect((await s.findByThread("C0OPS", "1764842400.000100"))?.id).toBe(second.investigation.id);
    // Another channel's thread with the same ts is another thread.
    expect(await s.findByThread("C0OTHER", "1764842400.000100")).toBeUndefined();
    expect(await redis.ttl(s.keys.thread("C0OPS", "1764842400.000100"))).toBeGreaterThan(3000);
  });

  it("marks a notification step once", async () => {
    const s = store();
    expect(await s.markNotified("inv-1", "rca")).toBe(true);
    expect(await s.markNotified("inv-1", "rca")).toBe(false);
    expect(await s.wasNotified("inv-1", "rca")).toBe(true);
    expect(await s.wasNotified("inv-1", "triage")).toBe(false);
  });

  it("releases the workload's dedup slot when the investigation ends", async () => {
    const s = store();
    const first = await s.createOrJoin(trigger("a"), new Date());
    expect((await s.createOrJoin(trigger("a"), new Date())).outcome).toBe("joined");
    await s.transition(first.investigation.id, "failed", new Date());
    const next = await s.createOrJoin(trigger("a"), new Date());
    expect(next.outcome).toBe("created");
    expect(next.investigation.id).not.toBe(first.investigation.id);
  });
});
