import { describe, expect, it } from "vitest";
import { THREAD_BUDGET } from "../../../src/slack/blocks/budget.js";
import { planThread } from "../../../src/slack/blocks/thread.js";
import { alertChart, memoryChart } from "../../support/chart-fixtures.js";
import { investigation, proposalRecord, rcaReport } from "../../support/slack-fixtures.js";

/** An RCA that fits its reply: no evidence file unless the fixes overflow the cards. */
const short = () => {
  const base = rcaReport();
  const [cause] = base.rootCauses;
  return rcaReport({
    rootCauses: cause ? [{ ...cause, affected: [] }] : [],
    hypothesesRejected: [],
    validationPlan: [],
  });
};

const replies = (plan: ReturnType<typeof planThread>) =>
  (plan.statusReply ? 1 : 0) + 1 + plan.cards.length + (plan.filesReply ? 1 : 0);

describe("planThread with charts", () => {
  it("has no files reply without charts or evidence", () => {
    const plan = planThread(investigation({ rca: short() }), false);
    expect(plan).toMatchObject({ filesReply: false, attachEvidence: false, charts: 0 });
  });

  it("gives charts one files reply, shared with the evidence, never over the reply budget", () => {
    const proposals = Array.from({ length: 4 }, (_, index) =>
      proposalRecord({ proposal: { ...proposalRecord().proposal, id: `p${index}` } }),
    );
    const charts = [memoryChart(), alertChart(), memoryChart()];
    for (const statusReply of [false, true]) {
      for (const count of [1, 2, 4]) {
        const plan = planThread(
          investigation({ rca: short(), proposals: proposals.slice(0, count), charts }),
          statusReply,
        );
        expect(plan.filesReply).toBe(true);
        expect(plan.charts).toBe(THREAD_BUDGET.maxCharts);
        expect(replies(plan)).toBeLessThanOrEqual(THREAD_BUDGET.maxRepliesBeforeApproval);
        // Fixes without a card are written down: the evidence file rides in the same reply.
        expect(plan.attachEvidence).toBe(plan.uncarded > 0);
      }
    }
  });
});
