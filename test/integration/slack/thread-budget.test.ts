import { describe, expect, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { syntheticCluster } from "../../../src/bench/synthetic.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import type {
  ExecutionOutcome,
  Investigation,
  InvestigationStatus,
  ProposalRecord,
  ProposalState,
} from "../../../src/domain/investigation.js";
import type { KubeObject } from "../../../src/domain/kube.js";
import { snapshotFromState } from "../../../src/k8s/from-file.js";
import { proposalRecords } from "../../../src/queue/tokens.js";
import { loadScenarioText, SCENARIOS } from "../../../src/sim/scenarios/index.js";
import { type ParsedState, parseStateFile } from "../../../src/sim/state-file.js";
import { THREAD_BUDGET } from "../../../src/slack/blocks/budget.js";
import {
  helpMessage,
  joinedMessage,
  statusListMessage,
  usageError,
} from "../../../src/slack/blocks/command.js";
import { executionMessages } from "../../../src/slack/blocks/execution.js";
import { STATUS_SYMBOL } from "../../../src/slack/blocks/format.js";
import { homeView } from "../../../src/slack/blocks/home.js";
import { rankedCauses } from "../../../src/slack/blocks/incident.js";
import type { SlackMessage } from "../../../src/slack/blocks/kit.js";
import { LIMITS } from "../../../src/slack/blocks/limits.js";
import { proposalMessages } from "../../../src/slack/blocks/proposal.js";
import { rcaMessage } from "../../../src/slack/blocks/rca.js";
import { statusMessage } from "../../../src/slack/blocks/status.js";
import { planThread } from "../../../src/slack/blocks/thread.js";
import { messageProblems } from "../../../src/slack/blocks/validate.js";
import { triage } from "../../../src/triage/index.js";

/**
 * The thread budgets (src/slack/blocks/budget.ts) and Slack's Block Kit limits, on every message
 * the app builds for every built-in scenario and for one namespace with 30 broken Deployments
 * (3,000 pods), collected through the simulated API server like a live cluster.
 */

const NOW = new Date("2026-01-15T09:01:00Z");
const context = { clusterName: "prod-eu-1" };
const policy = defaultPolicy();
const validation = {
  timeoutSeconds: policy.remediation.validationTimeoutSeconds,
  settleSeconds: policy.remediation.settleSeconds,
};

async function investigate(state: ParsedState, namespace: string): Promise<Investigation> {
  const snapshot = await snapshotFromState(state, { namespace });
  const result = triage(snapshot, { namespace });
  const rca = rcaFromTriage(result, "no model configured");
  return {
    id: `inv-budget-${namespace}`,
    trigger: {
      source: "slash-command",
      namespace,
      requestedBy: "U0ALICE",
      text: "checkout returns 502",
      receivedAt: snapshot.collectedAt,
    },
    joined: [],
    status: "proposed",
    timeline: [{ status: "queued", at: snapshot.collectedAt }],
    createdAt: snapshot.collectedAt,
    updatedAt: snapshot.collectedAt,
    triage: result,
    rca,
    proposals: proposalRecords(rca.proposals, NOW, 30),
  };
}

/** One namespace holding all 300 Deployments of a 3,000-pod synthetic cluster (30 broken). */
function thirtyBroken(): ParsedState {
  const cluster = syntheticCluster(3000);
  const renamed = JSON.parse(JSON.stringify(cluster.objects).replace(/team-\d+/g, "big")) as KubeObject[];
  const seen = new Set<string>();
  const objects = renamed.filter((object) => {
    if (object.kind !== "Namespace") return true;
    const name = object.metadata.name ?? "";
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  const logs = cluster.logs.map((log) => ({
    ...log,
    namespace: "big",
    text: log.text.replace(/team-\d+/g, "big"),
  }));
  return { objects, logs, readyz: cluster.readyz, clock: cluster.clock, warnings: [] };
}

const OUTCOMES: Record<ProposalState, ExecutionOutcome | undefined> = {
  pending: undefined,
  approved: undefined,
  denied: undefined,
  expired: undefined,
  executing: undefined,
  succeeded: {
    status: "succeeded",
    message: "applied PATCH /apis/apps/v1/namespaces/x/deployments/y (json-patch)",
    before: { spec: { replicas: 1 } },
    after: { spec: { replicas: 1 } },
    validation: {
      verdict: "resolved",
      evidence: ["2/2 pods Ready", "ok: no restarts"],
      checkedAt: NOW.toISOString(),
    },
  },
  failed: { status: "failed", message: "PATCH failed: 500 Internal Server Error" },
  refused: { status: "refused", message: "drift: the Deployment changed since the proposal", code: "DRIFT" },
  "rolled-back": {
    status: "succeeded",
    message: "applied",
    rolledBack: true,
    validation: { verdict: "not-resolved", evidence: ["FAIL: 0/2 pods Ready"], checkedAt: NOW.toISOString() },
    rollback: { status: "succeeded", message: "rolled back" },
  },
};

/** Every status, from the record that maps each one to its symbol. */
const STATUSES = Object.keys(STATUS_SYMBOL) as InvestigationStatus[];

/** Every message the app can build for this investigation, by name. */
function everyMessage(investigation: Investigation): [string, SlackMessage][] {
  const out: [string, SlackMessage][] = [];
  for (const status of STATUSES) {
    const at = { ...investigation, status, ...(status === "failed" ? { error: "fix: not-resolved" } : {}) };
    out.push([`status ${status}`, statusMessage(at, context)]);
    out.push([
      `status ${status} (alert)`,
      statusMessage({ ...at, trigger: { ...at.trigger, source: "alertmanager" } }, context),
    ]);
  }
  const plan = planThread(investigation, false);
  out.push(["rca", rcaMessage(investigation, { ...context, validation, uncarded: plan.uncarded })]);
  investigation.proposals.forEach((record, index) => {
    const position = { index, total: investigation.proposals.length };
    for (const state of Object.keys(OUTCOMES) as ProposalState[]) {
      const outcome = OUTCOMES[state];
      const decided: ProposalRecord = {
        ...record,
        state,
        ...(state === "pending" ? {} : { decidedBy: "U0ALICE", decidedAt: NOW.toISOString() }),
        ...(outcome ? { outcome } : {}),
      };
      for (const [part, message] of proposalMessages(decided, position, NOW, context).entries())
        out.push([`card ${record.proposal.id} ${state} #${part}`, message]);
      for (const [part, message] of executionMessages(decided, context).entries())
        out.push([`execution ${record.proposal.id} ${state} #${part}`, message]);
    }
    const expired = { ...record, expiresAt: "2026-01-15T09:00:00Z" };
    for (const message of proposalMessages(expired, position, NOW, context))
      out.push([`card ${record.proposal.id} expired-by-time`, message]);
  });
  out.push(["command help", helpMessage()], ["command usage", usageError("Namespace 'x' is not valid.")]);
  out.push(["command joined", joinedMessage(investigation, "https://example.slack.com/archives/C1/p1")]);
  out.push(["command status list", statusListMessage([investigation], new Map())]);
  return out;
}

function checkThread(investigation: Investigation): void {
  const messages = everyMessage(investigation);
  for (const [name, message] of messages) {
    expect(messageProblems(message, THREAD_BUDGET.maxBlocksPerMessage), name).toEqual([]);
    // Every message of an incident names its cluster (command replies are not about one).
    if (!name.startsWith("command ")) expect(message.text, name).toContain("prod-eu-1");
  }
  const home = homeView([investigation], new Map(), NOW);
  expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerHomeView);

  // At most four replies before any approval, in either kind of thread.
  for (const statusReply of [false, true]) {
    const plan = planThread(investigation, statusReply);
    const replies = (statusReply ? 1 : 0) + 1 + plan.cards.length + (plan.filesReply ? 1 : 0);
    expect(replies).toBeLessThanOrEqual(THREAD_BUDGET.maxRepliesBeforeApproval);
  }

  // The first screen: the parent names the top-ranked root cause and the action, and the RCA
  // reply opens with that cause and what to do about it.
  const top = rankedCauses(investigation)[0];
  const parent = JSON.stringify(statusMessage(investigation, context).blocks);
  const rca = rcaMessage(investigation, { ...context, validation });
  const first = rca.blocks[1];
  const firstText = first?.type === "section" ? (first.text?.text ?? "") : "";
  if (!top) {
    expect(parent).toContain("No root cause found");
    return;
  }
  expect(parent).toContain(`*Root cause:* ${top.resource.kind} ${top.resource.name}`);
  expect(parent).toContain("*Do now:*");
  expect(firstText.startsWith("*1. ")).toBe(true);
  expect(firstText).toContain(top.resource.name);
  expect(firstText.split("\n")).toHaveLength(3);
  expect(firstText.split("\n")[2]?.startsWith("→ ")).toBe(true);
}

describe("thread budgets and Block Kit limits", () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario.namespace]))(
    "built-in scenario %s: every message within budget and limits",
    async (name, namespace) => {
      const investigation = await investigate(parseStateFile(loadScenarioText(name)), namespace);
      checkThread(investigation);
    },
  );

  it("a namespace with 30 broken Deployments (3,000 pods) keeps the same budgets", async () => {
    const investigation = await investigate(thirtyBroken(), "big");
    expect(rankedCauses(investigation).length).toBeGreaterThanOrEqual(30);
    checkThread(investigation);
    const rca = rcaMessage(investigation, { ...context, validation });
    expect(JSON.stringify(rca.blocks)).toMatch(/more root causes\* \(\d+ objects\) in the evidence file/);
  }, 120_000);
});
