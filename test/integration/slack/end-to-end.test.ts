import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { parsePolicy } from "../../../src/config/policy.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { createLogger } from "../../../src/log.js";
import { startPipelineWorkers } from "../../../src/queue/worker.js";
import { defaultPipelineDeps } from "../../../src/roles/pipeline-deps.js";
import { startSimCluster } from "../../../src/sim/index.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { waitFor } from "../../support/queue-helpers.js";
import { startSlackHarness } from "../../support/slack-harness.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const POLICY = parsePolicy(`
approvers:
  - namespaces: ["prod-*"]
    users: [U0BOB]
remediation: {maxRisk: medium, approvalTtlMinutes: 30, validationTimeoutSeconds: 5}
`);

describe("Slack end to end on the simulated cluster (no model)", () => {
  it("/triage prod-api → thread with summary, RCA, proposals → Approve → execution result in the thread", async () => {
    const redisUrl = inject("redisUrl");
    const prefix = `e2e-${randomUUID().slice(0, 8)}`;
    const sim = await startSimCluster({ scenario: "prod-api-outage" });
    cleanup.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), "slack-e2e-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const kubeconfig = join(dir, "kubeconfig");
    await sim.writeKubeconfig(kubeconfig);
    const fake = await new FakeSlack().start();
    cleanup.push(() => fake.stop());
    const env = parseEnv({
      KUBECONFIG: kubeconfig,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_API_URL: fake.url,
      REDIS_URL: redisUrl,
    });
    const logger = createLogger({}, () => {}, "silent");
    const workers = await startPipelineWorkers({
      redisUrl,
      prefix,
      deps: (runtime) => defaultPipelineDeps(env, POLICY, runtime),
      policy: POLICY,
      concurrency: 1,
      retentionHours: 1,
      logger,
    });
    cleanup.push(() => workers.close(5000));
    const h = await startSlackHarness({ redisUrl, policy: POLICY, prefix, fake });
    cleanup.push(() => h.stop());

    expect((await h.send.command({ text: "prod-api", responseUrl: fake.responseUrl() })).status).toBe(200);
    const thread = () => fake.transcript()[0]?.messages[0];
    const proposals = await waitFor(() => {
      const replies = thread()?.replies.filter((reply) => / Fix \d \(/.test(reply.text)) ?? [];
      return replies.length === 2 ? replies : undefined;
    }, "two proposals in the thread");
    await waitFor(() => thread()?.text.startsWith("P1 ") || undefined, "the parent's final answer");

    const parent = thread();
    // The parent answers first: severity, cluster, namespace and the top-ranked root cause.
    expect(parent?.text).toMatch(/^P1 \[default\] prod-api: \S+ \S+: /);
    const texts = parent?.replies.map((reply) => reply.edits[0]) ?? [];
    expect(texts[0]).toMatch(/^\[default\] Root cause \(P1\) in prod-api/);
    expect(texts.filter((text) => / Fix \d \(/.test(text ?? ""))).toHaveLength(2);
    expect(texts.length).toBeLessThanOrEqual(4);

    // Bob approves the rollback; the worker executes it on the simulated cluster and reports.
    const rollback = proposals.find((reply) =>
      reply.text.includes("rollback on Deployment prod-api/payment-service"),
    );
    const button = JSON.stringify(rollback?.blocks).match(
      /"action_id":"proposal\.approve","text":\{[^}]*\},"style":"primary","value":"([A-Za-z0-9_-]{32})"/,
    );
    const value = button?.[1];
    expect(value).toBeDefined();
    const click = await h.send.action({
      actionId: APPROVE_ACTION_ID,
      value: value as string,
      user: "U0BOB",
      channel: "C0OPS",
      messageTs: rollback?.ts as string,
      threadTs: parent?.ts as string,
      responseUrl: fake.responseUrl(),
    });
    expect(click.status).toBe(200);
    const result = await waitFor(
      () =>
        thread()?.replies.find((reply) =>
          /^\[default\] (Applied|Refused|Failed to apply) rollback/.test(reply.text),
        ),
      "the execution result in the thread",
      45_000,
    );
    expect(result.text).toMatch(
      /^\[default\] (Applied|Refused|Failed to apply) rollback on Deployment prod-api\/payment-service/,
    );
    // The card itself ends in the state that happened, naming who approved it.
    const decided = await waitFor(() => {
      const card = JSON.stringify(fake.workspace.find("C0OPS", rollback?.ts as string)?.blocks);
      return /(Applied|Refused|Failed|Rolled back)[^"]*approved by <@U0BOB>/.test(card) ? card : undefined;
    }, "the card's final state");
    expect(decided).not.toContain('"actions"');
  }, 90_000);
});
