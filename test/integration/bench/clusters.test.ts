import { describe, expect, it } from "vitest";
import { runClusters } from "../../../src/bench/clusters.js";

describe("bench clusters (many cluster agents on one Redis)", () => {
  it("a small run: every investigation reaches a thread through its own cluster's agent, with figures", async () => {
    const progress: string[] = [];
    const result = await runClusters(
      { quick: true, progress: (line) => progress.push(line) },
      { clusters: 3, investigations: 30, samples: 6 },
    );
    expect(result.checks?.[0]).toMatchObject({ ok: true });
    expect(result.checks?.[0]?.detail).toContain(
      "3 agents registered, 36 threads, 0 failed, 0 collected by another cluster's agent, 3 of 3",
    );
    const figures = result.figures as {
      investigationsPerMinute: number;
      burstTriggerToThreadMs: { p50: number; p99: number };
      unloadedTriggerToThreadMs: { p99: number };
      redisBytesPerInvestigation: number;
    };
    expect(figures.investigationsPerMinute).toBeGreaterThan(0);
    expect(figures.burstTriggerToThreadMs.p99).toBeGreaterThanOrEqual(figures.burstTriggerToThreadMs.p50);
    expect(figures.unloadedTriggerToThreadMs.p99).toBeGreaterThan(0);
    // A retained investigation (record, audit, jobs) costs Redis memory; the figure says how much.
    expect(figures.redisBytesPerInvestigation).toBeGreaterThan(1000);
    expect(result.rows.map((row) => row.case)).toEqual([
      "burst, trigger → thread",
      "one at a time, trigger → thread",
      "@mention thread lookup, pointer",
      "@mention lookup, old scan of 200 recent",
    ]);
    // Every sampled thread is found through its pointer, in whichever of the clusters it lives.
    expect(result.checks?.[1]).toMatchObject({ ok: true });
    expect(result.checks?.[1]?.detail).toMatch(/^pointer: 6 of 6 threads found; /);
  }, 120_000);
});
