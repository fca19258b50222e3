import { describe, expect, it } from "vitest";
import type { Investigation, ProposalRecord } from "../../../src/domain/investigation.js";
import { THREAD_BUDGET } from "../../../src/slack/blocks/budget.js";
import {
  helpMessage,
  joinedMessage,
  statusListMessage,
  usageError,
} from "../../../src/slack/blocks/command.js";
import { executionMessages } from "../../../src/slack/blocks/execution.js";
import { homeView } from "../../../src/slack/blocks/home.js";
import type { Block, SlackMessage } from "../../../src/slack/blocks/kit.js";
import {
  APPROVE_ACTION_ID,
  changeFile,
  DENY_ACTION_ID,
  proposalMessages,
} from "../../../src/slack/blocks/proposal.js";
import { evidenceFile, rcaMessage } from "../../../src/slack/blocks/rca.js";
import { failureMessage, statusMessage } from "../../../src/slack/blocks/status.js";
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
  it("says who asked, which phase is running and on which cluster while it runs", () => {
    const message = statusMessage(investigation({ status: "collecting" }), { clusterName: "eu-prod" });
    expect(message.text).toBe("[eu-prod] Investigating prod-api… (collecting cluster state)");
    expect(visible(message)).toContain(
      "Investigating cluster *eu-prod* · namespace *prod-api* for <@U0ALICE>",
    );
    expectValid([message]);
  });

  it.each([
    ["P1", "🟥"],
    ["P2", "🟧"],
    ["P3", "🟨"],
    ["P4", "🟦"],
  ] as const)(
    "answers first: top cause, severity %s (%s), impact, status and the action",
    (severity, badge) => {
      const inv = investigation({ rca: rcaReport({ severity }), triage: triageResult({ severity }) });
      const message = statusMessage(inv);
      const text = visible(message);
      expect(message.text).toBe(
        `${severity} [default] prod-api: Deployment api-gateway: The app container is OOM-killed every few minutes.`,
      );
      expect(text).toContain(`${badge} ${severity} · cluster *default* · namespace *prod-api*`);
      expect(text).toContain(
        "*Root cause:* Deployment api-gateway: The app container is OOM-killed every few minutes.",
      );
      expect(text).toContain("*Do now:* approve fix 1: Raise the memory limit of api-gateway");
      expect(text).toContain("*Impact*\n");
      expect(text).toContain("⏳ Waiting for approval (1 fix in the thread)");
      expectValid([message]);
    },
  );

  it("uses one severity, the RCA's, even when the triage said another", () => {
    const inv = investigation({
      rca: rcaReport({ severity: "P2" }),
      triage: triageResult({ severity: "P1" }),
    });
    expect(visible(statusMessage(inv))).toContain("🟧 P2");
    expect(visible(statusMessage(inv))).not.toContain("P1");
  });

  it("counts the impact as the triage does: '4 of 6 deployments down'", () => {
    const triage = triageResult({ headline: "5 root causes in prod-api: 4 of 6 deployments unavailable" });
    expect(visible(statusMessage(investigation({ triage })))).toContain("*Impact*\n4 of 6 deployments down");
  });

  it("when resolved, says what fixed it and keeps the original finding as 'Was'", () => {
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
      `P2 [default] prod-api: ✅ resolved — ${action} on ${target.kind} ${target.name} applied and validated`,
    );
    expect(visible(message)).toContain("*Was:* Deployment api-gateway");
    expect(visible(message)).not.toContain("Do now");
    expectValid([message]);
  });

  it("shows a failed analysis with its error escaped, and a failed fix as not resolved", () => {
    const failed = statusMessage(
      investigation({ status: "failed", error: "cluster <unreachable>", rca: undefined }),
    );
    expect(failed.text).toBe("[default] Investigation of prod-api failed: cluster <unreachable>");
    expect(visible(failed)).toContain("cluster &lt;unreachable&gt;");
    const notFixed = statusMessage(investigation({ status: "failed", error: "fix: not-resolved" }));
    expect(visible(notFixed)).toContain("❌ Not resolved: fix: not-resolved");
    expect(visible(notFixed)).toContain("*Root cause:*");
  });

  it("says in the failure reply which cluster failed and how to try again, escaped", () => {
    const reply = failureMessage(investigation(), "reader <forbidden>", { clusterName: "eu-1" });
    expect(reply.text).toBe("[eu-1] Investigation of prod-api failed: reader <forbidden>");
    expect(visible(reply)).toBe(
      "❌ The investigation of *prod-api* on *eu-1* failed: reader &lt;forbidden&gt;\nRun `/triage prod-api` to try again.",
    );
    expect(messageProblems(reply)).toEqual([]);
  });

  it("quotes the operator's words escaped", () => {
    const inv = investigation({ trigger: { ...investigation().trigger, text: "<!channel> 502s" } });
    expect(visible(statusMessage(inv))).toContain("“&lt;!channel&gt; 502s”");
  });
});

describe("RCA reply", () => {
  it("ranks causes in at most three lines each: what failed, decisive evidence with a human source, what to do", () => {
    const message = rcaMessage(investigation(), { validation: { timeoutSeconds: 300, settleSeconds: 60 } });
    const text = visible(message);
    expect(message.text).toBe(
      "[default] Root cause (P2) in prod-api: Deployment api-gateway: The app container is OOM-killed every few minutes.",
    );
    const cause = message.blocks[1];
    const causeText = cause?.type === "section" ? (cause.text?.text ?? "") : "";
    expect(causeText.split("\n")).toEqual([
      "*1. api-gateway memory limit too low* · 90% sure · 1 pod affected",
      "> Last State: Terminated, Reason: OOMKilled, Exit Code: 137 — _cluster snapshot_",
      // Each line is kept to about one line of the thread pane; the evidence file has it whole.
      "→ approve fix 1: Raise the memory limit of api-gateway so it stops being OOM-kill…",
    ]);
    expect(text).toContain("Fixed when: pods Ready within 300 s, then 60 s with no restarts or new Warnings");
    expect(text).toContain("Rule-based analysis");
    expect(evidenceFile(investigation())).toContain(
      "Rule-based analysis (model not used: no model configured)",
    );
    // The evidence says whether usage numbers were read, or why not.
    const withoutMetrics = investigation({
      triage: triageResult({
        metricsServer: { available: false, message: "metrics-server not available: HTTP 404" },
      }),
    });
    expect(evidenceFile(withoutMetrics)).toContain("Usage: metrics-server not available: HTTP 404");
    expect(evidenceFile(investigation())).not.toContain("Usage:");
    expect(text).not.toContain("api-gateway-7d9f8c6b5d-x2x7q");
    expectValid([message]);
  });

  it("never shows a tool-use id as a source", () => {
    const cause = rcaReport().rootCauses[0]!;
    const rca = rcaReport({
      rootCauses: [
        {
          ...cause,
          evidence: [
            { quote: "OOMKilled", source: "toolu_01ABC", label: "logs of pod x, previous container" },
          ],
        },
        { ...cause, name: "second", evidence: [{ quote: "x", source: "toolu_01DEF" }] },
      ],
    });
    const text = visible(rcaMessage(investigation({ rca })));
    expect(text).toContain("_logs of pod x, previous container_");
    expect(text).not.toContain("toolu_");
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
    const text = visible(rcaMessage(investigation({ rca: rcaReport({ source: "model", usage }) })));
    expect(text).toContain("Analysed by claude-x · 5 tool calls · 1200 tokens · $0.012");
  });

  it("keeps a huge analysis within the block budget and puts everything in the evidence file", () => {
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
    const inv = investigation({ rca: rcaReport({ rootCauses: causes, summary: "s ".repeat(4000) }) });
    const message = rcaMessage(inv);
    expect(message.blocks.length).toBeLessThanOrEqual(THREAD_BUDGET.maxBlocksPerMessage);
    expect(visible(message)).toContain(`*${45 - THREAD_BUDGET.maxCausesInline} more root causes*`);
    expectValid([message]);
    const file = evidenceFile(inv);
    for (let i = 0; i < 400; i += 37) expect(file).toContain(`log line ${i}: connection refused`);
    for (let i = 0; i < 45; i++) expect(file).toContain(`cause ${i}`);
    expect(file).toContain("api-gateway-7d9f8c6b5d-x2x7q");
    expect(file).toContain("node memory pressure: nodes report MemoryPressure=False");
    expect(file).toContain("containers[app].resources.limits.memory: 128Mi -> 512Mi");
  });
});

describe("proposal card", () => {
  it("shows action, target, risk, cluster and the exact change, with Approve/Deny carrying only the token", () => {
    const record = proposalRecord();
    const [message] = proposalMessages(record, { index: 0, total: 2 }, NOW, { clusterName: "eu-prod" });
    const text = visible(message!);
    expect(text).toContain("*Fix 1 of 2* · risk 🔸 medium · `set-resources` on *Deployment api-gateway*");
    expect(text).toContain("```containers[app].resources.limits.memory: 128Mi -&gt; 512Mi```");
    expect(text).toContain("cluster *eu-prod* · namespace *prod-api*");
    const actions = message!.blocks.find((block) => block.type === "actions");
    expect(actions?.type).toBe("actions");
    if (actions?.type !== "actions") return;
    const [approve, deny] = actions.elements as {
      action_id: string;
      value: string;
      confirm?: { title: { text: string }; text: { text: string } };
    }[];
    expect(approve).toMatchObject({ action_id: APPROVE_ACTION_ID, value: record.token });
    expect(deny).toMatchObject({ action_id: DENY_ACTION_ID, value: record.token });
    expect(deny?.confirm?.title.text).toBe("Deny this fix?");
    expect(approve?.confirm).toMatchObject({
      title: { text: "Apply this medium-risk change?" },
      text: {
        text: "set-resources on Deployment api-gateway, risk medium.\ncontainers[app].resources.limits.memory: 128Mi -> 512Mi",
      },
    });
    expect(message!.text).toBe(
      "[eu-prod] Fix 1 (medium risk): set-resources on Deployment prod-api/api-gateway — approve or deny",
    );
    expectValid([message!]);
  });

  it("says how many fields change and where they are listed when the dialog cannot hold them", () => {
    const change = Array.from(
      { length: 12 },
      (_, i) => `containers[app].env.VAR_${i}: unset -> value-${i}`,
    ).join("\n");
    const record = proposalRecord({ proposal: proposal({ change, risk: "high" }) });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    const actions = message!.blocks.find((block) => block.type === "actions");
    const approve =
      actions?.type === "actions"
        ? (actions.elements[0] as { confirm: { text: { text: string }; style: string } })
        : undefined;
    expect(approve?.confirm.text.text).toBe(
      "set-resources on Deployment api-gateway, risk high. It changes 12 fields, every one listed in the card; nothing else is applied.",
    );
    expect(approve?.confirm.style).toBe("danger");
    for (let i = 0; i < 12; i++) expect(visible(message!)).toContain(`VAR_${i}: unset -&gt; value-${i}`);
    expectValid([message!]);
  });

  it("attaches a change too long for Slack and says so instead of cutting it", () => {
    const change = "x".repeat(5000);
    const record = proposalRecord({ proposal: proposal({ change }) });
    const [message] = proposalMessages(record, { index: 1, total: 2 }, NOW);
    expect(visible(message!)).toContain("attached in this thread as `fix-2-set-resources-api-gateway.txt`");
    expect(visible(message!)).not.toContain("xxxx");
    expect(changeFile(record)).toContain(change);
    expectValid([message!]);
  });

  it.each([
    ["approved", {}, "👍 *Approved* by <@U0BOB>"],
    ["denied", {}, "🚫 *Denied* by <@U0BOB>"],
    ["succeeded", {}, "✅ *Applied* — approved by <@U0BOB>"],
    [
      "succeeded",
      { validation: { verdict: "resolved", evidence: [], checkedAt: "x" } },
      "✅ *Applied and validated: resolved*",
    ],
    [
      "succeeded",
      { validation: { verdict: "not-resolved", evidence: [], checkedAt: "x" } },
      "⚠️ *Applied; validation: not-resolved*",
    ],
    ["refused", { message: "drift" }, "⛔ *Refused at apply time*"],
    ["failed", { message: "boom" }, "❌ *Failed*"],
    [
      "rolled-back",
      { validation: { verdict: "not-resolved", evidence: [], checkedAt: "x" } },
      "↩️ *Rolled back*",
    ],
  ] as const)("replaces the buttons with its state when %s", (state, outcome, expected) => {
    const record = proposalRecord({
      state,
      decidedBy: "U0BOB",
      decidedAt: "2026-11-21T09:04:00.000Z",
      outcome: { status: "succeeded", message: "applied", ...outcome } as ProposalRecord["outcome"],
    });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    expect(message!.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(visible(message!)).toContain(expected);
    expect(visible(message!)).toContain("<!date^");
  });

  it("never shows live buttons for a pending proposal past its expiry", () => {
    const record = proposalRecord({ expiresAt: "2026-11-21T09:00:00.000Z" });
    const [message] = proposalMessages(record, { index: 0, total: 1 }, NOW);
    expect(message!.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(visible(message!)).toContain("⌛ *Expired*");
    expect(message!.text).toContain("— expired");
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
      "[default] Applied set-resources on Deployment prod-api/api-gateway — validation: resolved",
    );
    expect(visible(message!)).toContain("*Validation: ✅ Resolved*\n• 3/3 pods Ready");
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
