import { describe, expect, it } from "vitest";
import type { Investigation } from "../../../src/domain/investigation.js";
import {
  helpMessage,
  joinedMessage,
  statusListMessage,
  usageError,
} from "../../../src/slack/blocks/command.js";
import { executionMessages } from "../../../src/slack/blocks/execution.js";
import { homeView } from "../../../src/slack/blocks/home.js";
import type { Block, SlackMessage } from "../../../src/slack/blocks/kit.js";
import { APPROVE_ACTION_ID, DENY_ACTION_ID, proposalMessages } from "../../../src/slack/blocks/proposal.js";
import { evidenceFile, evidenceLength, rcaMessages } from "../../../src/slack/blocks/rca.js";
import { statusMessage } from "../../../src/slack/blocks/status.js";
import { triageSummaryMessages } from "../../../src/slack/blocks/summary.js";
import { messageProblems } from "../../../src/slack/blocks/validate.js";
import {
  investigation,
  proposal,
  proposalRecord,
  rcaReport,
  triageResult,
} from "../../support/slack-fixtures.js";

const NOW = new Date("2026-11-21T09:05:00.000Z");

/** All visible text of a message (sections, fields, context, headers). */
function visible(message: SlackMessage): string {
  const parts: string[] = [];
  const walk = (block: Block) => {
    if ("text" in block && block.text && typeof block.text === "object" && "text" in block.text)
      parts.push(block.text.text);
    if (block.type === "section") for (const field of block.fields ?? []) parts.push(field.text);
    if (block.type === "context")
      for (const element of block.elements) if ("text" in element) parts.push(element.text);
  };
  message.blocks.forEach(walk);
  return parts.join("\n");
}

function expectValid(messages: SlackMessage[]): void {
  for (const message of messages) expect(messageProblems(message)).toEqual([]);
}

describe("status (parent) message", () => {
  it("says who asked and which phase is running while it runs", () => {
    const message = statusMessage(investigation({ status: "collecting" }));
    expect(message.text).toBe("Investigating prod-api… (collecting cluster state)");
    expect(visible(message)).toContain("Investigating *prod-api* for <@U0ALICE>");
    expectValid([message]);
  });

  it.each([
    ["P1", "🔴"],
    ["P2", "🔴"],
    ["P3", "🟡"],
    ["P4", "🟢"],
  ] as const)("shows headline, severity %s and its light %s when done", (severity, light) => {
    const inv = investigation({ rca: rcaReport({ severity }), triage: triageResult({ severity }) });
    const message = statusMessage(inv);
    expect(message.text).toBe(`${light} prod-api: api-gateway is OOM-killed in a crash loop (${severity})`);
    expect(visible(message)).toContain("1 root cause · 1 proposal");
    expectValid([message]);
  });

  it("when resolved, says what fixed it and keeps the original finding as context", () => {
    const fixed = proposalRecord({
      state: "succeeded",
      outcome: {
        status: "succeeded",
        message: "applied",
        validation: {
          verdict: "resolved",
          evidence: ["3/3 pods Ready"],
          checkedAt: "2026-11-21T09:05:00.000Z",
        },
      },
    });
    const message = statusMessage(investigation({ status: "resolved", proposals: [fixed] }));
    const { action, target } = fixed.proposal;
    expect(message.text).toBe(
      `🟢 prod-api: resolved — ${action} on ${target.kind} ${target.name} applied and validated`,
    );
    expect(visible(message)).toContain("Was: api-gateway is OOM-killed in a crash loop");
    expectValid([message]);
  });

  it("turns green when resolved and red-cross on failure, escaping the error", () => {
    expect(statusMessage(investigation({ status: "resolved" })).text.startsWith("🟢")).toBe(true);
    const failed = statusMessage(investigation({ status: "failed", error: "cluster <unreachable>" }));
    expect(failed.text).toBe("Investigation of prod-api failed: cluster <unreachable>");
    expect(visible(failed)).toContain("cluster &lt;unreachable&gt;");
  });

  it("quotes the operator's words escaped", () => {
    const inv = investigation({ trigger: { ...investigation().trigger, text: "<!channel> 502s" } });
    expect(visible(statusMessage(inv))).toContain("“&lt;!channel&gt; 502s”");
  });
});

describe("triage summary", () => {
  it("lists severity, blast radius, symptoms, ranked root causes with commands", () => {
    const [message, ...rest] = triageSummaryMessages(triageResult());
    expect(rest).toEqual([]);
    const text = visible(message!);
    expect(message!.text).toBe(
      "Triage of prod-api: api-gateway is OOM-killed in a crash loop (P2, 1 root cause)",
    );
    expect(text).toContain("*Blast radius*\na single workload");
    expect(text).toContain("*1. `oom-killed` Deployment prod-api/api-gateway* · confidence 92%");
    expect(text).toContain("`kubectl -n prod-api describe pod api-gateway-7d9f8c6b5d-x2x7q`");
    expect(text).toContain("1 workloads checked and healthy");
    expectValid([message!]);
  });

  it("says so when nothing is wrong, and names unreadable resources", () => {
    const [message] = triageSummaryMessages(
      triageResult({
        rootCauses: [],
        symptoms: [],
        gaps: [{ resource: "events", reason: "forbidden", message: "no" }],
      }),
    );
    expect(visible(message!)).toContain("No root cause found");
    expect(visible(message!)).toContain("could not read events: forbidden");
  });

  it("splits a summary with many root causes into several valid messages", () => {
    const cause = triageResult().rootCauses[0]!;
    const many = Array.from({ length: 70 }, (_, i) => ({ ...cause, id: `c${i}`, summary: `cause ${i}` }));
    const messages = triageSummaryMessages(triageResult({ rootCauses: many }));
    expect(messages.length).toBe(2);
    expectValid(messages);
    const all = messages.map(visible).join("\n");
    for (let i = 0; i < 70; i++) expect(all).toContain(`cause ${i}`);
  });
});

describe("RCA", () => {
  it("renders summary, causes with evidence, ruled-out hypotheses, the risky assumption and the plan", () => {
    const messages = rcaMessages(rcaReport());
    expect(messages).toHaveLength(1);
    const text = visible(messages[0]!);
    expect(messages[0]!.text).toContain("Root cause (P2): api-gateway memory limit too low");
    expect(text).toContain("> Last State: Terminated, Reason: OOMKilled, Exit Code: 137");
    expect(text).toContain("~node memory pressure~");
    expect(text).toContain("*What would make this wrong*");
    expect(text).toContain("☐ no new OOMKilled events");
    expect(text).toContain("Deterministic analysis (model not used: no model configured)");
    expectValid(messages);
  });

  it("shows model usage for model-written analyses", () => {
    const usage = {
      model: "claude-x",
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.0123,
      iterations: 3,
      toolCalls: 5,
      durationMs: 1000,
    };
    const text = visible(rcaMessages(rcaReport({ source: "model", usage }))[0]!);
    expect(text).toContain("Analysed by claude-x · 5 tool calls · 1200 tokens · $0.012");
  });

  it("splits a very long analysis across messages within every limit, losing nothing", () => {
    const longQuote = Array.from(
      { length: 400 },
      (_, i) => `log line ${i}: connection refused to db:5432`,
    ).join("\n");
    const cause = rcaReport().rootCauses[0]!;
    const causes = Array.from({ length: 45 }, (_, i) => ({
      ...cause,
      name: `cause ${i}`,
      evidence: [{ quote: i === 0 ? longQuote : `evidence ${i}`, source: `tool-${i}` }],
    }));
    const rca = rcaReport({ rootCauses: causes, summary: "s ".repeat(4000) });
    const messages = rcaMessages(rca);
    expect(messages.length).toBeGreaterThan(1);
    expectValid(messages);
    const all = messages.map(visible).join("\n");
    for (let i = 0; i < 400; i += 37) expect(all).toContain(`log line ${i}: connection refused`);
    for (let i = 0; i < 45; i++) expect(all).toContain(`cause ${i}`);
    expect(messages[1]!.text).toMatch(/\(part 2\/\d\)$/);
  });

  it("keeps two quotes per cause inline and says the rest is in the attached file", () => {
    const cause = rcaReport().rootCauses[0]!;
    const evidence = Array.from({ length: 5 }, (_, i) => ({ quote: `quote ${i}`, source: "kubectl" }));
    const rca = rcaReport({ rootCauses: [{ ...cause, evidence }] });
    const text = visible(rcaMessages(rca, { evidenceAttached: true })[0]!);
    expect(text).toContain("quote 1");
    expect(text).not.toContain("quote 2");
    expect(text).toContain("…and 3 more quotes in the attached evidence file.");
    expect(evidenceFile(rca)).toContain("quote 4");
    expect(evidenceLength(rca)).toBe(35);
  });
});

describe("proposal", () => {
  it("shows action, target, risk and the exact change, with Approve/Deny carrying only the token", () => {
    const record = proposalRecord();
    const [message] = proposalMessages(record, { index: 0, total: 2 }, NOW);
    const text = visible(message!);
    expect(text).toContain("*Proposed fix 1/2* · risk 🟡 medium");
    expect(text).toContain("```containers[app].resources.limits.memory: 128Mi -&gt; 512Mi```");
    const actions = message!.blocks.find((block) => block.type === "actions");
    expect(actions?.type).toBe("actions");
    if (actions?.type !== "actions") return;
    const [approve, deny] = actions.elements as { action_id: string; value: string; confirm?: unknown }[];
    expect(approve).toMatchObject({ action_id: APPROVE_ACTION_ID, value: record.token });
    expect(deny).toMatchObject({ action_id: DENY_ACTION_ID, value: record.token });
    expect(deny?.confirm).toBeUndefined();
    expect(approve?.confirm).toMatchObject({
      title: { text: "Apply this medium-risk change?" },
      text: {
        text: "Apply set-resources to Deployment prod-api/api-gateway? Risk: medium. Change: containers[app].resources.limits.memory: 128Mi -> 512Mi",
      },
    });
    expect(message!.text).toBe(
      "Proposed fix (medium risk): set-resources on Deployment prod-api/api-gateway — approve or deny",
    );
    expectValid([message!]);
  });

  it("points at the message when the change is too long for the confirm dialog", () => {
    const record = proposalRecord({ proposal: proposal({ change: "x".repeat(500), risk: "high" }) });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    const actions = message!.blocks.find((block) => block.type === "actions");
    const approve =
      actions?.type === "actions"
        ? (actions.elements[0] as { confirm: { text: { text: string }; style: string } })
        : undefined;
    expect(approve?.confirm.text.text).toBe(
      "Apply set-resources to Deployment prod-api/api-gateway? Risk: high. The exact change is shown in the message.",
    );
    expect(approve?.confirm.style).toBe("danger");
    expect(visible(message!)).toContain("x".repeat(500));
    expectValid([message!]);
  });

  it.each([
    ["approved", "✅ Approved by <@U0BOB>"],
    ["denied", "🚫 Denied by <@U0BOB>"],
    ["succeeded", "and applied"],
    ["refused", "refused at apply time"],
    ["failed", "applying failed"],
    ["rolled-back", "then rolled back"],
  ] as const)("replaces the buttons with who decided when %s", (state, expected) => {
    const record = proposalRecord({ state, decidedBy: "U0BOB", decidedAt: "2026-11-21T09:04:00.000Z" });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    expect(message!.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(visible(message!)).toContain(expected);
    expect(visible(message!)).toContain("<!date^");
  });

  it("never shows live buttons for a pending proposal past its expiry", () => {
    const record = proposalRecord({ expiresAt: "2026-11-21T09:00:00.000Z" });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    expect(message!.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(visible(message!)).toContain("⌛ Expired");
  });
});

describe("execution results", () => {
  it("reports an applied change with its validation verdict and evidence", () => {
    const record = proposalRecord({
      state: "succeeded",
      decidedBy: "U0BOB",
      outcome: {
        status: "succeeded",
        message: "patched deployment",
        validation: { verdict: "resolved", evidence: ["3/3 pods Ready"], checkedAt: "2026-11-21T09:10:00Z" },
      },
    });
    const [message] = executionMessages(record);
    expect(message!.text).toBe(
      "Applied set-resources on Deployment prod-api/api-gateway — validation: resolved",
    );
    expect(visible(message!)).toContain("*Validation: 🟢 Resolved*\n• 3/3 pods Ready");
    expectValid([message!]);
  });

  it("explains a refusal (drift) and a rollback", () => {
    const refused = executionMessages(
      proposalRecord({
        state: "refused",
        outcome: { status: "refused", message: "drift: resourceVersion changed" },
      }),
    );
    expect(refused[0]!.text).toContain("Refused set-resources");
    expect(visible(refused[0]!)).toContain("drift: resourceVersion changed");
    const rolled = executionMessages(
      proposalRecord({
        state: "rolled-back",
        outcome: {
          status: "succeeded",
          message: "applied",
          rolledBack: true,
          validation: { verdict: "not-resolved", evidence: [], checkedAt: "x" },
        },
      }),
    );
    expect(rolled[0]!.text).toContain("rolled back");
  });
});

describe("command replies and App Home", () => {
  it("help and usage errors are ephemeral-ready messages with fallbacks", () => {
    expect(helpMessage().text).toBe("/triage usage: /triage <namespace> [what is wrong]");
    const usage = usageError("“Prod_API” is not a namespace name.");
    expect(visible(usage)).toContain("Nothing was started.");
    expectValid([helpMessage(), usage]);
  });

  it("status lists running then recent investigations with links", () => {
    const running = investigation({ id: "a", status: "analyzing" });
    const done = investigation({ id: "b", status: "completed" });
    const message = statusListMessage([running, done], new Map([["b", "https://slack.com/archives/C1/p1"]]));
    expect(message.text).toBe("1 running, 1 recent investigations");
    expect(visible(message)).toContain("<https://slack.com/archives/C1/p1|prod-api>");
    expectValid([message]);
  });

  it("joined message links the existing thread", () => {
    const message = joinedMessage(investigation({ status: "analyzing" }), "https://slack.com/archives/C1/p1");
    expect(visible(message)).toContain("<https://slack.com/archives/C1/p1|its thread>");
  });

  it("home view lists investigations within the view limits", () => {
    const many: Investigation[] = Array.from({ length: 60 }, (_, i) => investigation({ id: `i${i}` }));
    const view = homeView(many, new Map(), NOW);
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(messageProblems({ text: "home", blocks: view.blocks as Block[] }, 100)).toEqual([]);
    expect(
      homeView([], new Map(), NOW).blocks.some((block) =>
        JSON.stringify(block).includes("No investigations yet"),
      ),
    ).toBe(true);
  });
});
