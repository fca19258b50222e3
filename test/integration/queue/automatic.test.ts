import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { automaticProposals } from "../../../src/queue/automatic.js";
import { proposalRecords } from "../../../src/queue/tokens.js";
import {
  emptySnapshot,
  restartProposal,
  scriptedTriage,
  trigger,
  uniquePrefix,
} from "../../support/queue-helpers.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
});

const policy = parsePolicy(`
automatic:
  - selector: {type: Warning, reason: BackOff}
    mode: automatic
    confidenceThreshold: 0.8
    maxRiskLevel: medium
rateLimiting: {eventsPerMinute: 1, cooldownMinutes: 15}
`);

/** A proposed investigation of `workload` started by a BackOff Warning event. */
function investigation(workload: string): Investigation {
  const now = new Date();
  // A rollout restart is medium risk by the catalog's rules.
  const proposal = { ...restartProposal("shop", workload), risk: "medium" as const };
  const triage = scriptedTriage(emptySnapshot("shop"), "shop");
  triage.rootCauses = [
    {
      id: proposal.rootCauseId,
      category: "crash-loop",
      summary: "crash loop",
      resource: { kind: "Deployment", namespace: "shop", name: workload },
      affected: [],
      evidence: ["Back-off restarting failed container"],
      confidence: 0.9,
      nextSteps: [],
      commands: [],
    },
  ];
  return {
    id: `inv-${workload}`,
    trigger: trigger("shop", {
      source: "watcher",
      signal: { type: "Warning", reason: "BackOff", kind: "Pod" },
    }),
    joined: [],
    status: "proposed",
    timeline: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    triage,
    proposals: proposalRecords([proposal], now, 30),
  };
}

describe("automatic mode decisions", () => {
  it("lets one of several concurrent decisions use the last slot of a rate limit", async () => {
    const key = `${uniquePrefix("auto")}:automatic-history`;
    const workloads = ["api", "web", "cart", "search", "auth", "mail"];
    const results = await Promise.all(
      workloads.map((name) => {
        const connection = new Redis(inject("redisUrl"));
        return automaticProposals(connection, key, policy, investigation(name)).finally(() =>
          connection.quit(),
        );
      }),
    );
    expect(results.flat()).toHaveLength(1);
    const history = JSON.parse((await redis.get(key)) as string) as { runs: unknown[] };
    expect(history.runs).toHaveLength(1);
  });

  it("runs nothing automatically for a trigger that is not a matching event", async () => {
    const key = `${uniquePrefix("auto")}:automatic-history`;
    const manual = { ...investigation("api"), trigger: trigger("shop", { source: "slash-command" }) };
    expect(await automaticProposals(redis, key, policy, manual)).toEqual([]);
    expect(await redis.exists(key)).toBe(0);
  });
});
