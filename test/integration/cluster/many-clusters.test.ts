import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type ClusterAgent,
  policyForCluster,
  readerNamespaces,
  scopePrefix,
  startClusterAgent,
} from "../../../src/cluster/index.js";
import { parseEnv } from "../../../src/config/env.js";
import { loadPolicy, type Policy } from "../../../src/config/policy.js";
import { combinedScenarioState } from "../../../src/demo/cluster.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { createLogger } from "../../../src/log.js";
import { readAudit } from "../../../src/queue/audit.js";
import { createProducerConnection } from "../../../src/queue/connection.js";
import { defaultPipelineDeps } from "../../../src/roles/pipeline-deps.js";
import { type ServeApp, startServeApp } from "../../../src/server/serve-app.js";
import { isMutating, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { waitFor } from "../../support/queue-helpers.js";
import { type ChildWorker, startChildWorker } from "../../support/queue-processes.js";
import { SlackSender } from "../../support/slack-requests.js";

/**
 * Two simulated clusters behind one Slack app: eu-1 (prod-api and a-team) with one in-process
 * agent, us-1 (prod-api) with two agent replicas as child processes, one central serve, one real
 * Redis. Agents hold no Slack token: the central serve posts what they hand to their cluster's
 * notifications queue. Every check is on what a user sees (Slack) or what a cluster received.
 */

const CHILD = fileURLToPath(new URL("../../support/cluster-agent-child.ts", import.meta.url));
const SECRET = "many-clusters-signing-secret";
const ALERT_TOKEN = randomBytes(12).toString("hex");
const base = `mc-${randomUUID().slice(0, 8)}`;
const redisUrl = inject("redisUrl");
const silent = createLogger({}, () => {}, "silent");

let dir: string;
let policy: Policy;
let policyFile: string;
let eu: SimCluster;
let us: SimCluster;
let fake: FakeSlack;
let serve: ServeApp;
let send: SlackSender;
let serveUrl: string;
let euAgent: ClusterAgent;
let euReader: ReturnType<typeof createClusterReader>;
const usReplicas: ChildWorker[] = [];
let redis: Redis;

const POLICY = `
namespaces: ["*"]
channels:
  - {channel: C0EU, cluster: eu-1}
routes:
  - {namespaces: ["*"], channel: C0ALERTS}
approvers:
  - {namespaces: ["*"], users: ["U0ALICE"], clusters: ["eu-*"]}
  - {namespaces: ["*"], users: ["U0BOB"], clusters: ["us-*"]}
remediation: {maxRisk: medium, validationTimeoutSeconds: 120, settleSeconds: 5}
`;

function store(cluster: string) {
  return serve.clusters.directory.scope(cluster).store;
}

async function records(cluster: string): Promise<Investigation[]> {
  return store(cluster).recent(100);
}

/** Requests a cluster received other than the heartbeat's namespace listing. */
function work(sim: SimCluster) {
  return sim.requests.filter((request) => request.resource !== "namespaces");
}

/** Sends a `/triage`; resolves to a function waiting for its ephemeral answer (the next response_url post). */
async function command(text: string, channel = "C0OPS", user = "U0ALICE"): Promise<() => Promise<string>> {
  const before = fake.callsOf("response_url").length;
  const response = await send.command({ text, channel, user, responseUrl: fake.responseUrl() });
  expect(response.status).toBe(200);
  return async () => {
    const call = await waitFor(
      () => fake.callsOf("response_url")[before],
      `the answer to /triage ${text}`,
      30_000,
    );
    return String(call.params.text);
  };
}

async function ephemeralAnswer(answer: () => Promise<string>): Promise<string> {
  return answer();
}

function threadOf(investigation: Investigation) {
  const thread = investigation.thread;
  const channel = fake.transcript().find((candidate) => candidate.channel === thread?.channel);
  return channel?.messages.find((message) => message.ts === thread?.threadTs);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "many-clusters-"));
  policyFile = join(dir, "policy.yaml");
  writeFileSync(policyFile, POLICY);
  policy = loadPolicy(policyFile);
  redis = createProducerConnection(redisUrl, "many-clusters-test");
  eu = await startSimCluster({ state: combinedScenarioState(["prod-api-outage", "a-team-missing-pvc"]) });
  us = await startSimCluster({ scenario: "prod-api-outage" });
  const kubeconfigs: Record<string, string> = {};
  for (const [name, sim] of [
    ["eu", eu],
    ["us", us],
  ] as const) {
    for (const identity of ["reader", "executor"] as const) {
      const path = join(dir, `${name}-${identity}.kubeconfig`);
      await sim.writeKubeconfig(path, identity);
      kubeconfigs[`${name}-${identity}`] = path;
    }
  }
  fake = await new FakeSlack().start();
  const env = parseEnv({
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: base,
    TRIAGE_POLICY_FILE: policyFile,
    ALERTMANAGER_WEBHOOK_TOKEN: ALERT_TOKEN,
    AGENT_OFFLINE_SECONDS: "4",
  });
  serve = await startServeApp({
    env,
    policy,
    port: 0,
    host: "127.0.0.1",
    logger: silent,
    poster: { channelIntervalMs: 5, baseDelayMs: 5, maxDelayMs: 20 },
    expirySweepMs: 200,
  });
  serveUrl = `http://127.0.0.1:${serve.port}`;
  send = new SlackSender(`${serveUrl}/slack/events`, SECRET);

  // eu-1: one agent in this process, no Slack token (its updates go through its queue to serve).
  const euEnv = parseEnv({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: base,
    KUBECONFIG: kubeconfigs["eu-reader"],
    EXECUTOR_KUBECONFIG: kubeconfigs["eu-executor"],
    NOTIFY_VIA: "queue",
    CLUSTER_NAME: "eu-1",
  });
  euReader = createClusterReader(eu.kubeConfig("reader"));
  euAgent = await startClusterAgent({
    cluster: "eu-1",
    basePrefix: base,
    redisUrl,
    policy,
    queues: ["investigations", "remediations", "followUps"],
    retentionHours: 1,
    logger: silent,
    heartbeat: { intervalMs: 500, namespaces: readerNamespaces(euReader) },
    deps: (runtime) =>
      defaultPipelineDeps(euEnv, policyForCluster(policy, "eu-1"), runtime, {
        remediationClock: { now: () => eu.clock.nowMs() },
        remediationSleep: async (ms) => {
          eu.clock.advance(ms);
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      }),
  });
  // us-1: two replicas of one agent, as processes (one is killed mid-investigation below).
  for (let replica = 0; replica < 2; replica++) {
    usReplicas.push(
      await startChildWorker(
        {
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: base,
          CLUSTER: "us-1",
          KUBECONFIG: kubeconfigs["us-reader"] as string,
          EXECUTOR_KUBECONFIG: kubeconfigs["us-executor"] as string,
          TRIAGE_POLICY_FILE: policyFile,
          LOCK_DURATION_MS: "2000",
          STALLED_INTERVAL_MS: "1000",
        },
        CHILD,
      ),
    );
  }
  // ap-1: an agent that registered once and stopped (its pods are gone).
  const apEnv = parseEnv({ REDIS_URL: redisUrl, QUEUE_PREFIX: base, KUBECONFIG: kubeconfigs["us-reader"] });
  const apAgent = await startClusterAgent({
    cluster: "ap-1",
    basePrefix: base,
    redisUrl,
    policy,
    logger: silent,
    retentionHours: 1,
    deps: (runtime) => defaultPipelineDeps(apEnv, policy, runtime),
  });
  await apAgent.close(1000);
  await waitFor(async () => {
    const agents = await serve.clusters.router.agents();
    return (
      agents.filter((agent) => agent.health === "online").length === 3 &&
      agents.some((agent) => agent.cluster === "ap-1" && agent.health === "stopped")
    );
  }, "three online agents and a stopped one");
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(usReplicas.map((replica) => replica.kill("SIGTERM")));
  await euAgent?.close(2000);
  euReader?.close();
  await serve?.stop();
  await fake?.stop();
  await eu?.close();
  await us?.close();
  redis?.disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("one Slack app for many clusters", () => {
  it("/triage status lists every cluster's agents and their health", async () => {
    const answer = await ephemeralAnswer(await command("status"));
    expect(answer).toMatch(/agents: .*eu-1 online/);
    expect(answer.match(/us-1 online/g)).toHaveLength(2);
    expect(answer).toContain("ap-1 stopped");
  });

  it("routes /triage --cluster us-1 to us-1 only; a replica killed mid-investigation is replaced and the RCA is posted once", async () => {
    eu.clearRequests();
    us.clearRequests();
    await redis.set(`${base}:test:hold:us-1`, "1");
    await command("prod-api --cluster us-1");
    const started = await waitFor(
      async () => (await redis.lrange(`${base}:test:analyze-started`, 0, -1))[0],
      "a us-1 replica to start the analysis",
      60_000,
    );
    const [investigationId, pid] = started.split(" ");
    const victim = usReplicas.find((replica) => String(replica.pid) === pid);
    expect(victim).toBeDefined();
    await victim?.kill("SIGKILL");
    await redis.del(`${base}:test:hold:us-1`);
    const done = await waitFor(
      async () => {
        const record = await store("us-1").get(investigationId as string);
        return record && ["proposed", "completed"].includes(record.status) ? record : undefined;
      },
      "the surviving us-1 replica to finish the investigation",
      90_000,
    );
    expect(done.trigger.cluster).toBe("us-1");
    expect(done.triage?.cluster).toBe("us-1");
    expect(done.triage?.rootCauses.every((cause) => cause.cluster === "us-1")).toBe(true);
    // Exactly once in Slack: one RCA reply in the thread, every message names us-1.
    const thread = await waitFor(() => {
      const parent = threadOf(done);
      return parent?.replies.some((reply) => reply.text.includes("Root cause")) ? parent : undefined;
    }, "the RCA reply in the thread");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = threadOf(done) ?? thread;
    expect(settled.replies.filter((reply) => reply.text.includes("Root cause"))).toHaveLength(1);
    expect(settled.text).toContain("[us-1]");
    for (const reply of settled.replies) {
      const named =
        reply.text.includes("[us-1]") || (reply.files ?? []).some((file) => file.title.includes("us-1"));
      expect(named, reply.text).toBe(true);
    }
    // Only us-1 was read; eu-1 holds no record of it.
    expect(work(us).length).toBeGreaterThan(0);
    expect(work(eu)).toEqual([]);
    expect(await store("eu-1").get(investigationId as string)).toBeUndefined();
    // The killed replica is late, the other one still online: the cluster is served.
    await waitFor(
      async () => {
        const agents = (await serve.clusters.router.agents()).filter((agent) => agent.cluster === "us-1");
        return (
          agents.some((agent) => agent.health === "late") && agents.some((agent) => agent.health === "online")
        );
      },
      "the killed replica to show as late",
      20_000,
    );
  }, 180_000);

  it("routes eu-1/prod-api, a namespace only eu-1 has, and a channel's default cluster to eu-1", async () => {
    us.clearRequests();
    const usBefore = (await records("us-1")).length;
    await command("eu-1/prod-api");
    const prodApi = await waitFor(
      async () =>
        (await records("eu-1")).find(
          (item) => item.trigger.namespace === "prod-api" && item.status === "proposed",
        ),
      "the eu-1 prod-api investigation",
      90_000,
    );
    expect(prodApi.trigger.cluster).toBe("eu-1");
    await command("a-team");
    const aTeam = await waitFor(
      async () =>
        (await records("eu-1")).find(
          (item) => item.trigger.namespace === "a-team" && item.status === "proposed",
        ),
      "the eu-1 a-team investigation (routed by namespace)",
      90_000,
    );
    expect(aTeam.trigger.cluster).toBe("eu-1");
    // C0EU's default cluster is eu-1: its prod-api is already being investigated, so this joins it.
    const joinedUrl = await command("prod-api", "C0EU");
    expect(await ephemeralAnswer(joinedUrl)).toMatch(/already/i);
    const joined = await store("eu-1").get(prodApi.id);
    expect(joined?.joined.some((trigger) => trigger.slack?.channel === "C0EU")).toBe(true);
    expect(await records("us-1")).toHaveLength(usBefore);
    expect(work(us)).toEqual([]);
  }, 200_000);

  it("asks which cluster when a namespace exists in several and the channel has no default; nothing is enqueued", async () => {
    const before = { eu: (await records("eu-1")).length, us: (await records("us-1")).length };
    const posts = fake.callsOf("chat.postMessage").length;
    const answer = await ephemeralAnswer(await command("prod-api"));
    expect(answer).toContain("Namespace prod-api exists in several clusters: eu-1, us-1");
    expect(answer).toContain("--cluster us-1");
    expect(answer).toContain("Nothing was started");
    expect((await records("eu-1")).length).toBe(before.eu);
    expect((await records("us-1")).length).toBe(before.us);
    expect(fake.callsOf("chat.postMessage").length).toBe(posts);
  });

  it("answers an unknown cluster with the known ones", async () => {
    const answer = await ephemeralAnswer(await command("prod-api --cluster ap-9"));
    expect(answer).toContain("Unknown cluster ap-9. Known clusters: ap-1, eu-1, us-1");
  });

  it("tells that a cluster's agent is offline since when, and enqueues nothing", async () => {
    const answer = await ephemeralAnswer(await command("prod-api --cluster ap-1"));
    expect(answer).toMatch(/Cluster ap-1's agent is offline since \d{4}-\d\d-\d\dT/);
    expect(await records("ap-1")).toEqual([]);
    const queue = new Queue("investigations", { connection: redis, prefix: scopePrefix(base, "ap-1") });
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  it("routes an Alertmanager alert by its cluster label to that cluster only", async () => {
    const euBefore = await records("eu-1");
    const response = await fetch(`${serveUrl}/alertmanager`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALERT_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        version: "4",
        groupKey: `{}:{alertname="KubePodCrashLooping"}-${randomUUID()}`,
        status: "firing",
        receiver: "k8s-triage",
        groupLabels: { alertname: "KubePodCrashLooping" },
        commonLabels: {},
        commonAnnotations: {},
        alerts: [
          {
            status: "firing",
            labels: {
              alertname: "KubePodCrashLooping",
              namespace: "prod-api",
              deployment: "api-gateway",
              cluster: "us-1",
            },
            annotations: { summary: "api-gateway is crash-looping" },
            startsAt: new Date().toISOString(),
          },
        ],
      }),
    });
    expect(response.status).toBe(202);
    await waitFor(
      async () =>
        (await records("us-1")).find(
          (item) =>
            item.trigger.source === "alertmanager" ||
            item.joined.some((trigger) => trigger.source === "alertmanager"),
        ),
      "the alert's investigation in us-1",
      60_000,
    );
    const euAfter = await records("eu-1");
    expect(euAfter.length).toBe(euBefore.length);
    expect(
      euAfter.some(
        (item) =>
          item.trigger.source === "alertmanager" ||
          item.joined.some((trigger) => trigger.source === "alertmanager"),
      ),
    ).toBe(false);
  }, 90_000);

  it("answers an @mention follow-up through the investigation's own cluster agent, in the thread", async () => {
    const investigation = (await records("us-1")).find((item) => item.trigger.source === "slash-command");
    expect(investigation?.thread?.threadTs).toBeDefined();
    const thread = investigation?.thread as { channel: string; threadTs: string };
    const response = await send.event(
      {
        type: "app_mention",
        user: "U0ALICE",
        text: "<@U0TRIAGEBOT> why is the gateway down?",
        channel: thread.channel,
        ts: `${Math.floor(Date.now() / 1000)}.000100`,
        thread_ts: thread.threadTs,
        event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
      `Ev${randomBytes(6).toString("hex")}`,
    );
    expect(response.status).toBe(200);
    // No model on the agents: the agent says so, through its queue, in the thread.
    await waitFor(
      () =>
        threadOf(investigation as Investigation)?.replies.find((reply) =>
          reply.text.includes("Follow-up questions need the model"),
        ),
      "the agent's follow-up answer in the thread",
      30_000,
    );
    const followUps = new Queue("follow-ups", { connection: redis, prefix: scopePrefix(base, "us-1") });
    // The central posts the agent's notification before BullMQ has marked the agent's job completed.
    await waitFor(
      async () => (await followUps.getCompletedCount()) > 0,
      "us-1's follow-up job to complete",
      10_000,
    );
    await followUps.close();
    const euFollowUps = new Queue("follow-ups", { connection: redis, prefix: scopePrefix(base, "eu-1") });
    expect(await euFollowUps.getJobCountByTypes("completed", "failed", "waiting", "active")).toBe(0);
    await euFollowUps.close();
  }, 60_000);

  it("lets only eu-1's approvers approve an eu-1 fix, and executes it on eu-1 only", async () => {
    const investigation = (await records("eu-1")).find((item) => item.trigger.namespace === "a-team");
    const record = investigation?.proposals.find((item) => item.proposal.action === "create-pvc");
    expect(record?.message).toBeDefined();
    const card = record?.message as { channel: string; ts: string };
    eu.clearRequests();
    us.clearRequests();
    const click = (user: string) =>
      send.action({
        actionId: APPROVE_ACTION_ID,
        value: record?.token as string,
        user,
        channel: card.channel,
        messageTs: card.ts,
        ...(investigation?.thread?.threadTs ? { threadTs: investigation.thread.threadTs } : {}),
        responseUrl: fake.responseUrl(),
      });
    // Bob approves on us-* only.
    expect((await click("U0BOB")).status).toBe(200);
    await waitFor(
      () =>
        fake.workspace.ephemerals.find(
          (item) => item.user === "U0BOB" && item.text.includes("You can't approve"),
        ),
      "Bob's refusal",
    );
    expect(
      (await store("eu-1").get(investigation?.id as string))?.proposals.find((p) => p.token === record?.token)
        ?.state,
    ).toBe("pending");
    expect((await click("U0ALICE")).status).toBe(200);
    await waitFor(
      () =>
        work(eu).find((request) => request.identity === "executor" && isMutating(request) && !request.dryRun),
      "the executor's write on eu-1",
      60_000,
    );
    expect(us.requests.filter((request) => isMutating(request))).toEqual([]);
    const audit = await readAudit(redis, investigation?.id as string, { prefix: scopePrefix(base, "eu-1") });
    expect(
      audit.some(
        (entry) => entry.kind === "decision" && entry.actor === "U0ALICE" && entry.cluster === "eu-1",
      ),
    ).toBe(true);
  }, 90_000);

  it("refuses and audits a forged job for an eu-1 proposal put on us-1's queue; nothing is executed anywhere", async () => {
    const investigation = (await records("eu-1")).find((item) => item.trigger.namespace === "prod-api");
    const pending = investigation?.proposals.find((item) => item.state === "pending");
    expect(pending).toBeDefined();
    eu.clearRequests();
    us.clearRequests();
    const usQueue = new Queue("remediations", { connection: redis, prefix: scopePrefix(base, "us-1") });
    const forged = [
      { cluster: "eu-1", reason: "wrong-cluster" },
      { cluster: "us-1", reason: "unknown-proposal" },
    ];
    for (const [index, attempt] of forged.entries()) {
      const job = await usQueue.add(
        "remediate",
        {
          investigationId: investigation?.id,
          proposalId: pending?.proposal.id,
          approvedBy: "U0MALLORY",
          mode: "manual",
          cluster: attempt.cluster,
        },
        { jobId: `forged-${index}-${randomUUID()}` },
      );
      const failed = await waitFor(
        async () =>
          (await job.getState()) === "failed" ? await usQueue.getJob(job.id as string) : undefined,
        `forged job ${index} to be refused`,
        30_000,
      );
      expect(failed?.failedReason).toContain(attempt.reason);
    }
    await usQueue.close();
    const audit = await readAudit(redis, investigation?.id as string, { prefix: scopePrefix(base, "us-1") });
    const refusals = audit.filter((entry) => entry.kind === "refusal" && entry.actor === "U0MALLORY");
    expect(refusals.map((entry) => entry.data?.reason)).toEqual(["wrong-cluster", "unknown-proposal"]);
    expect(refusals[0]?.data).toMatchObject({ jobCluster: "eu-1", executorCluster: "us-1" });
    expect(refusals.every((entry) => entry.cluster === "us-1")).toBe(true);
    // The eu-1 proposal is untouched and neither cluster saw a write.
    const after = await store("eu-1").get(investigation?.id as string);
    expect(after?.proposals.find((item) => item.proposal.id === pending?.proposal.id)?.state).toBe("pending");
    expect(eu.requests.filter((request) => isMutating(request))).toEqual([]);
    expect(us.requests.filter((request) => isMutating(request))).toEqual([]);
  }, 60_000);

  it("labels every cluster's metrics with its cluster", async () => {
    const text = await (await fetch(`${serveUrl}/metrics`)).text();
    expect(text).toMatch(/k8s_triage_investigations_total\{[^}]*cluster="us-1"/);
    expect(text).toMatch(/k8s_triage_phase_duration_seconds_count\{[^}]*cluster="eu-1"/);
    expect(text).toMatch(/k8s_triage_queue_jobs\{[^}]*cluster="eu-1"/);
  });

  it("tells the approver when the fix's cluster has no executor beating; the job waits on that cluster's queue", async () => {
    await euAgent.close(2000);
    const investigation = (await records("eu-1")).find((item) => item.trigger.namespace === "prod-api");
    const record = investigation?.proposals.find((item) => item.state === "pending" && item.message);
    expect(record).toBeDefined();
    const card = record?.message as { channel: string; ts: string };
    eu.clearRequests();
    const response = await send.action({
      actionId: APPROVE_ACTION_ID,
      value: record?.token as string,
      user: "U0ALICE",
      channel: card.channel,
      messageTs: card.ts,
      ...(investigation?.thread?.threadTs ? { threadTs: investigation.thread.threadTs } : {}),
      responseUrl: fake.responseUrl(),
    });
    expect(response.status).toBe(200);
    await waitFor(
      () =>
        fake.workspace.ephemerals.find(
          (item) =>
            item.user === "U0ALICE" &&
            /Approved, but it cannot run yet: Cluster eu-1's agent is offline since .+ It runs if the executor is back by <!date\^\d+\^/.test(
              item.text,
            ),
        ),
      "the approver's heads-up",
    );
    const queue = new Queue("remediations", { connection: redis, prefix: scopePrefix(base, "eu-1") });
    expect(await queue.getWaitingCount()).toBe(1);
    await queue.close();
    expect(work(eu).filter((request) => isMutating(request))).toEqual([]);

    // A follow-up question in that thread is not left unanswered either.
    const thread = investigation?.thread as { channel: string; threadTs: string };
    const ts = `${Math.floor(Date.now() / 1000)}.000200`;
    await send.event(
      {
        type: "app_mention",
        user: "U0ALICE",
        text: "<@U0TRIAGEBOT> is it the DB?",
        channel: thread.channel,
        ts,
        thread_ts: thread.threadTs,
        event_ts: ts,
      },
      `Ev${randomBytes(6).toString("hex")}`,
    );
    await waitFor(
      () =>
        threadOf(investigation as Investigation)?.replies.find((reply) =>
          reply.text.includes("Cluster eu-1's agent is offline since"),
        ),
      "the offline answer in the thread",
    );
    const followUps = new Queue("follow-ups", { connection: redis, prefix: scopePrefix(base, "eu-1") });
    expect(await followUps.getJobCountByTypes("completed", "failed", "waiting", "active")).toBe(0);
    await followUps.close();
  }, 60_000);

  it("closes the offline cluster's approval windows from central: the card says expired, no buttons left", async () => {
    const investigation = (await records("eu-1")).find((item) =>
      item.proposals.some((record) => record.state === "pending" && record.message),
    );
    const record = investigation?.proposals.find((item) => item.state === "pending" && item.message);
    expect(record?.message).toBeDefined();
    const card = record?.message as { channel: string; ts: string };
    // The window closes while eu-1's agent (the only one that runs its expiry jobs) is away.
    await store("eu-1").update(investigation?.id as string, (current) => {
      const target = current.proposals.find((item) => item.token === record?.token);
      if (target) target.expiresAt = new Date(Date.now() - 1000).toISOString();
      return current;
    });
    const edit = await fake.waitFor(
      (call) =>
        call.method === "chat.update" &&
        call.params.ts === card.ts &&
        JSON.stringify(call.params.blocks).includes("Expired"),
      15_000,
    );
    expect(JSON.stringify(edit.params.blocks)).not.toContain('"type":"button"');
    const after = await store("eu-1").require(investigation?.id as string);
    expect(after.proposals.find((item) => item.token === record?.token)?.state).toBe("expired");
    const audit = await readAudit(redis, investigation?.id as string, { prefix: scopePrefix(base, "eu-1") });
    expect(audit.some((entry) => entry.kind === "refusal" && entry.actor === "expiry")).toBe(true);
  }, 30_000);
});
