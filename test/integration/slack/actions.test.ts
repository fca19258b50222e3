import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { FakeSlackCall } from "../../../src/dev/fake-slack.js";
import type { Investigation, ProposalRecord } from "../../../src/domain/investigation.js";
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { waitFor } from "../../support/queue-helpers.js";
import { proposalRecord, token } from "../../support/slack-fixtures.js";
import { type SlackHarness, startSlackHarness } from "../../support/slack-harness.js";

const POLICY = parsePolicy(`
approvers:
  - namespaces: ["prod-*"]
    users: [U0BOB, U0CAROL]
    groups: [S0SRE]
remediation: {maxRisk: high, distinctApproverFor: [high], approvalTtlMinutes: 30}
`);

let h: SlackHarness;
let investigation: Investigation;
let record: ProposalRecord;
let messageTs: string;

beforeEach(async () => {
  h = await startSlackHarness({
    redisUrl: inject("redisUrl"),
    policy: POLICY,
    usergroups: { S0SRE: ["U0DAVE"] },
  });
  await h.send.command({ text: "prod-api", responseUrl: h.fake.responseUrl() });
  const parent = await h.fake.waitFor((call) => call.method === "chat.postMessage");
  const [queued] = await waitFor(async () => {
    const recent = await h.producer.store.recent(1);
    return recent.length ? recent : undefined;
  }, "investigation");
  record = proposalRecord({
    token: token(`tok-${Math.random().toString(36).slice(2)}`),
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  });
  investigation = await h.withProposals((queued as Investigation).id, [record]);
  await h.slack.notifier.notify(investigation, { type: "proposal", proposalId: record.proposal.id });
  const posted = await h.fake.waitFor(
    (call) => call.method === "chat.postMessage" && / Fix \d \(/.test(String(call.params.text)),
  );
  messageTs = String(posted.response.ts);
  expect(posted.params.thread_ts).toBe(parent.response.ts);
});
afterEach(async () => {
  await h.stop();
});

function click(user: string, actionId = APPROVE_ACTION_ID, value = record.token) {
  return h.send.action({
    actionId,
    value,
    user,
    channel: "C0OPS",
    messageTs,
    responseUrl: h.fake.responseUrl(),
  });
}

async function stored(): Promise<ProposalRecord> {
  return (await h.producer.store.get(investigation.id))?.proposals[0] as ProposalRecord;
}

/** A refusal: the action's response_url answered ephemerally (only the clicker sees it). */
const isRefusal = (call: FakeSlackCall) =>
  call.method === "response_url" && call.params.response_type === "ephemeral";

function ephemeralsFor(user: string): string[] {
  return h.fake.workspace.ephemerals.filter((e) => e.user === user).map((e) => e.text);
}

describe("Approve / Deny", () => {
  it("an authorized approval decides once, enqueues the remediation and replaces the buttons", async () => {
    expect((await click("U0BOB")).status).toBe(200);
    const update = await h.fake.waitFor(
      (call) => call.method === "chat.update" && call.params.ts === messageTs,
    );
    expect(JSON.stringify(update.params.blocks)).not.toContain(APPROVE_ACTION_ID);
    expect(JSON.stringify(update.params.blocks)).toContain("👍 *Approved* by <@U0BOB>");
    expect(await stored()).toMatchObject({ state: "approved", decidedBy: "U0BOB" });
    expect(await h.producer.remediations.count()).toBe(1);
    const [job] = await h.producer.remediations.getJobs(["waiting", "delayed"]);
    expect(job?.data).toEqual({
      investigationId: investigation.id,
      proposalId: record.proposal.id,
      approvedBy: "U0BOB",
      mode: "manual",
    });
  });

  it("a member of an approver user group (usergroups.users.list) may approve", async () => {
    await click("U0DAVE");
    await waitFor(async () => (await stored()).state === "approved", "approval");
    expect(h.fake.callsOf("usergroups.users.list")[0]?.params).toMatchObject({ usergroup: "S0SRE" });
  });

  it("an unauthorized user gets an ephemeral explanation and nothing changes", async () => {
    await click("U0MALLORY");
    const ephemeral = await h.fake.waitFor(isRefusal);
    expect(ephemeral.to?.user).toBe("U0MALLORY");
    expect(String(ephemeral.params.text)).toBe(
      "You can't approve this: <@U0MALLORY> is not an approver for namespace prod-api (approvers: <@U0BOB>, <@U0CAROL>, group S0SRE). Nothing was changed.",
    );
    expect((await stored()).state).toBe("pending");
    expect(await h.producer.remediations.count()).toBe(0);
    expect(h.fake.callsOf("chat.update").filter((call) => call.params.ts === messageTs)).toEqual([]);
  });

  it("two approvers clicking at once: exactly one decision, the other is told who won", async () => {
    const responses = await Promise.all([click("U0BOB"), click("U0CAROL"), click("U0BOB"), click("U0CAROL")]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await waitFor(() => h.fake.workspace.ephemerals.length >= 3 || undefined, "three refusals");
    const final = await stored();
    expect(final.state).toBe("approved");
    const loser = final.decidedBy === "U0BOB" ? "U0CAROL" : "U0BOB";
    const refusals = h.fake.workspace.ephemerals.map((e) => e.text);
    expect(refusals).toHaveLength(3);
    for (const text of refusals)
      expect(text).toMatch(new RegExp(`^Already approved by <@${final.decidedBy}>`));
    expect(ephemeralsFor(loser).length).toBeGreaterThan(0);
    expect(await h.producer.remediations.count()).toBe(1);
  });

  it("approve after deny is refused with who denied", async () => {
    await click("U0CAROL", DENY_ACTION_ID);
    await waitFor(async () => (await stored()).state === "denied", "denial");
    await click("U0BOB");
    const refusal = await h.fake.waitFor(isRefusal);
    expect(String(refusal.params.text)).toMatch(/^Already denied by <@U0CAROL>/);
    expect((await stored()).state).toBe("denied");
    expect(await h.producer.remediations.count()).toBe(0);
  });

  it("an expired proposal is refused and re-rendered without buttons", async () => {
    await h.producer.store.update(investigation.id, (current) => {
      const first = current.proposals[0];
      if (first) first.expiresAt = new Date(Date.now() - 1000).toISOString();
      return current;
    });
    await click("U0BOB");
    const refusal = await h.fake.waitFor(isRefusal);
    expect(String(refusal.params.text)).toMatch(/^This proposal expired/);
    const update = await h.fake.waitFor(
      (call) => call.method === "chat.update" && call.params.ts === messageTs,
    );
    expect(JSON.stringify(update.params.blocks)).toContain("⌛ *Expired*");
    expect(JSON.stringify(update.params.blocks)).not.toContain(APPROVE_ACTION_ID);
    expect(await h.producer.remediations.count()).toBe(0);
  });

  it("forged values and unknown action ids change nothing", async () => {
    await click("U0BOB", APPROVE_ACTION_ID, "kubectl delete ns prod-api");
    await click("U0BOB", APPROVE_ACTION_ID, token("well-formed-but-unknown"));
    await click("U0BOB", "approve_and_run_anything", record.token);
    await waitFor(() => h.fake.workspace.ephemerals.length >= 3 || undefined, "three refusals");
    expect(ephemeralsFor("U0BOB").sort()).toEqual([
      "That button is not something I recognise. Nothing was changed.",
      "This button is not a valid proposal. Nothing was changed.",
      "This proposal is unknown or no longer valid. Nothing was changed.",
    ]);
    expect((await stored()).state).toBe("pending");
    expect(await h.producer.remediations.count()).toBe(0);
  });

  it("the notifier posts execution results in the thread after the remediation ran", async () => {
    await click("U0BOB");
    await waitFor(async () => (await stored()).state === "approved", "approval");
    const done = await h.producer.store.update(investigation.id, (current) => {
      const first = current.proposals[0];
      if (first) {
        first.state = "succeeded";
        first.outcome = {
          status: "succeeded",
          message: "deployment patched",
          validation: {
            verdict: "resolved",
            evidence: ["3/3 pods Ready for 5m"],
            checkedAt: new Date().toISOString(),
          },
        };
      }
      current.status = "resolved";
      return current;
    });
    await h.slack.notifier.notify(done, { type: "execution", proposalId: record.proposal.id });
    await h.slack.notifier.notify(done, { type: "status" });
    const replies = h.fake.transcript()[0]?.messages[0]?.replies ?? [];
    expect(replies.at(-1)?.text).toBe(
      "[default] Applied set-resources on Deployment prod-api/api-gateway — validation: resolved",
    );
    expect(h.fake.transcript()[0]?.messages[0]?.edits.at(-1)).toMatch(
      /^(P\d )?\[default\] prod-api: ✅ resolved/,
    );
  });
});

describe("a decision is bound to the message its proposal was posted in", () => {
  it("Approve in one investigation's message with another investigation's token: refused, audited, nothing changes", async () => {
    // A second investigation (another namespace) with its own proposal card.
    await h.send.command({ text: "prod-web", user: "U0BOB", responseUrl: h.fake.responseUrl() });
    const other = await waitFor(async () => {
      const recent = await h.producer.store.recent(5);
      return recent.find((candidate) => candidate.trigger.namespace === "prod-web");
    }, "second investigation");
    const foreign = proposalRecord({
      token: token(`tok-${Math.random().toString(36).slice(2)}`),
      expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    });
    const withCard = await h.withProposals(other.id, [foreign]);
    await h.slack.notifier.notify(withCard, { type: "proposal", proposalId: foreign.proposal.id });
    await waitFor(async () => (await h.producer.store.get(other.id))?.proposals[0]?.message, "card bound");
    const updatesBefore = h.fake.callsOf("chat.update").length;

    // U0BOB may approve both; the click comes from the first investigation's card.
    expect((await click("U0BOB", APPROVE_ACTION_ID, foreign.token)).status).toBe(200);
    const refusal = await h.fake.waitFor(isRefusal);
    expect(String(refusal.params.text)).toBe(
      "This button does not belong to the proposal shown in this message. Nothing was changed.",
    );
    const after = await h.producer.store.get(other.id);
    expect(after?.proposals[0]?.state).toBe("pending");
    expect((await stored()).state).toBe("pending");
    expect(await h.producer.remediations.count()).toBe(0);
    expect(h.fake.callsOf("chat.update")).toHaveLength(updatesBefore);
    const audit = await h.producer.audit.read(other.id);
    expect(audit.find((entry) => entry.kind === "refusal")).toMatchObject({
      actor: "U0BOB",
      data: { decision: "approve", reason: "wrong-message", place: { channel: "C0OPS", messageTs } },
    });

    // The same token from its own card still works.
    const own = after?.proposals[0]?.message;
    await h.send.action({
      actionId: APPROVE_ACTION_ID,
      value: foreign.token,
      user: "U0BOB",
      channel: own?.channel as string,
      messageTs: own?.ts as string,
      responseUrl: h.fake.responseUrl(),
    });
    await waitFor(
      async () => (await h.producer.store.get(other.id))?.proposals[0]?.state === "approved",
      "approval",
    );
  });

  it("before the card is recorded, only a click in the proposal's own thread counts", async () => {
    await h.producer.store.update(investigation.id, (current) => {
      const first = current.proposals[0];
      if (first) delete first.message;
      return current;
    });
    await click("U0BOB");
    const refusal = await h.fake.waitFor(isRefusal);
    expect(String(refusal.params.text)).toMatch(/^This button does not belong/);
    expect((await stored()).state).toBe("pending");
    const thread = (await h.producer.store.get(investigation.id))?.thread;
    await h.send.action({
      actionId: APPROVE_ACTION_ID,
      value: record.token,
      user: "U0BOB",
      channel: "C0OPS",
      messageTs,
      threadTs: thread?.threadTs as string,
      responseUrl: h.fake.responseUrl(),
    });
    await waitFor(async () => (await stored()).state === "approved", "approval");
  });
});

describe("a burst of refused clicks", () => {
  it("answers every refusal through response_url and re-renders the message at most once", async () => {
    await click("U0BOB");
    await waitFor(async () => (await stored()).state === "approved", "approval");
    await h.fake.waitFor((call) => call.method === "chat.update" && call.params.ts === messageTs);
    const updatesBefore = h.fake.callsOf("chat.update").length;
    const burst = 20;
    await Promise.all(Array.from({ length: burst }, () => click("U0CAROL")));
    await waitFor(() => h.fake.calls.filter(isRefusal).length >= burst || undefined, "every refusal");
    expect(ephemeralsFor("U0CAROL")).toHaveLength(burst);
    expect(h.fake.callsOf("chat.postEphemeral")).toEqual([]);
    // Approved is already shown on the card: no refused click rewrites it again.
    expect(h.fake.callsOf("chat.update").length - updatesBefore).toBe(0);
    expect(await h.producer.remediations.count()).toBe(1);
  });
});
