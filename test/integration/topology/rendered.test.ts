import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { combinedScenarioState } from "../../../src/demo/cluster.js";
import { buttonValue } from "../../../src/demo/script.js";
import {
  type FakeAnthropic,
  type RecordedRequest,
  startFakeAnthropic,
} from "../../../src/dev/fake-anthropic.js";
import { type FakeMessage, FakeSlack } from "../../../src/dev/fake-slack.js";
import { SlackSender } from "../../../src/dev/slack-requests.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import { replayScript } from "../../../src/eval/replay.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { InvestigationStore } from "../../../src/queue/store.js";
import { type Identity, isMutating, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { allowingRule, rulesForServiceAccount } from "../../../src/sim/rbac.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { type Rendered, renderChart } from "../../support/chart.js";
import { builtDist } from "../../support/dist.js";
import { type DeploymentObject, type LocalPod, runDeployment } from "../../support/topology.js";

/**
 * The chart as rendered, run: every Deployment of the project's image as a local process (built
 * dist/, the container's args and env, declared ports, kubelet-style probes), each ServiceAccount a
 * simulated-cluster identity holding exactly the rendered RBAC, Claude on (a local fake Messages
 * API), Slack a local fake. A request the rendered RBAC denies fails the test.
 */

const NAMESPACE = "triage";
const SIGNING_SECRET = randomBytes(16).toString("hex");
const WEBHOOK_TOKEN = randomBytes(12).toString("hex");
const POLICY = `namespaces: [a-team, prod-api]
incidentChannels: []
routes:
  - {namespaces: [a-team, prod-api], channel: C0INCIDENTS}
approvers:
  - {namespaces: [a-team, prod-api], users: [U0ALICE]}
remediation: {allowedActions: ["*"], maxRisk: medium, approvalTtlMinutes: 30, validationTimeoutSeconds: 240, settleSeconds: 5}
rateLimiting: {eventsPerMinute: 30, cooldownMinutes: 1}
`;

let dir: string;
let sim: SimCluster;
let slack: FakeSlack;
let model: FakeAnthropic;
let objects: Rendered[];
let pods: LocalPod[] = [];
let store: InvestigationStore;
let closeRedis: () => void;
let ticker: NodeJS.Timeout | undefined;
const identities = new Map<string, Identity>();

function toolResults(request: RecordedRequest): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  for (const message of request.body.messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type !== "tool_result") continue;
      const text =
        typeof block.content === "string"
          ? block.content
          : (block.content ?? []).map((part) => part.text ?? "").join("");
      out.push({ id: block.tool_use_id ?? "", text });
    }
  }
  return out;
}

/** The eval's replay investigator, plus scripted follow-up answers and validation verdicts. */
function modelScript() {
  const investigate = replayScript();
  return (request: RecordedRequest, index: number) => {
    const tools = new Set((request.body.tools ?? []).map((tool) => tool.name));
    const results = toolResults(request);
    const first = results[0];
    if (tools.has("submit_answer") || tools.has("submit_validation")) {
      if (!first) {
        return {
          kind: "tool_use" as const,
          calls: [{ name: "list_resources", input: { kind: "PersistentVolumeClaim", namespace: "a-team" } }],
        };
      }
      const quote =
        first.text
          .split("\n")
          .find((line) => line.trim().length > 0)
          ?.slice(0, 200) ?? first.text.slice(0, 200);
      if (tools.has("submit_answer"))
        return {
          kind: "final" as const,
          name: "submit_answer",
          input: {
            answer: `From the cluster: ${first.text.slice(0, 400)}`,
            evidence: [{ quote, source: first.id }],
          },
        };
      return {
        kind: "final" as const,
        name: "submit_validation",
        input: {
          verdict: "resolved",
          criteria: [{ criterion: "the PVC exists", met: true, evidence: { quote, source: first.id } }],
          summary: "The claim exists and the workload is running.",
        },
      };
    }
    return investigate(request, index);
  };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = pods.map((pod) => `--- ${pod.component}\n${pod.output().slice(-3000)}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const pod = (component: string) => pods.find((candidate) => candidate.component === component) as LocalPod;
const serveUrl = () => `http://127.0.0.1:${pod("serve").ports.get("http")}`;
const sender = () => new SlackSender(`${serveUrl()}/slack/events`, SIGNING_SECRET);

function threadMessages(channel: string, threadTs: string): FakeMessage[] {
  return slack.workspace.messages.filter(
    (m) => m.channel === channel && (m.threadTs === threadTs || m.ts === threadTs),
  );
}

async function investigationIn(namespace: string, source?: string): Promise<Investigation | undefined> {
  const recent = await store.recent(50);
  return recent.find(
    (inv) => inv.trigger.namespace === namespace && (!source || inv.trigger.source === source),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "topology-"));
  const dist = await builtDist();
  slack = await new FakeSlack().start();
  model = await startFakeAnthropic({ script: modelScript() });
  const prefix = `topo-${randomBytes(4).toString("hex")}`;
  objects = await renderChart(
    {
      redis: { url: inject("redisUrl") },
      secrets: { existingSecret: "triage-credentials" },
      slack: { apiUrl: slack.url },
      anthropic: { baseUrl: model.url, model: "claude-sonnet-4-5" },
      queuePrefix: prefix,
      policy: { content: POLICY },
      logLevel: "info",
    },
    { namespace: NAMESPACE },
  );
  // One identity per rendered ServiceAccount, holding exactly the rendered RBAC.
  for (const account of objects.filter((object) => object.kind === "ServiceAccount")) {
    const name = account.metadata.name;
    identities.set(name, {
      name: `system:serviceaccount:${NAMESPACE}:${name}`,
      token: `sa-${name}-${randomBytes(8).toString("hex")}`,
      rules: [],
      rbac: rulesForServiceAccount(objects, { namespace: NAMESPACE, name }),
    });
  }
  sim = await startSimCluster({
    state: combinedScenarioState(["prod-api-outage", "a-team-missing-pvc"]),
    identities: [...identities.values()],
  });
  const kubeconfigs = new Map<string, string>();
  for (const [name, identity] of identities) {
    const path = join(dir, `${name}.kubeconfig`);
    await sim.writeKubeconfig(path, identity.name);
    kubeconfigs.set(name, path);
  }
  const redis = createProducerConnection(inject("redisUrl"), "topology-test");
  await waitReady(redis);
  closeRedis = () => redis.disconnect();
  store = new InvestigationStore(redis, { prefix, retentionHours: 1 });
  const secret = {
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ANTHROPIC_API_KEY: "sk-ant-topology-test",
    ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
  };
  // The simulated kubelet and controllers run on the simulated clock; keep it moving.
  ticker = setInterval(() => sim.clock.advance(2000), 250);
  const deployments = objects.filter((object): object is DeploymentObject => object.kind === "Deployment");
  for (const deployment of deployments) {
    pods.push(
      await runDeployment(deployment, {
        dist,
        cwd: process.cwd(),
        objects,
        secret,
        kubeconfigFor: (name) => kubeconfigs.get(name),
        workDir: dir,
      }),
    );
  }
}, 300_000);

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  await Promise.all(pods.map((p) => p.stop()));
  pods = [];
  closeRedis?.();
  await model?.close();
  await slack?.stop();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the rendered chart, run as processes under its own RBAC", () => {
  it("every probe of every rendered Deployment answers 200 on its declared port", async () => {
    expect(pods.map((p) => p.component).sort()).toEqual(["executor", "serve", "watcher", "worker"]);
    for (const running of pods) {
      await until(`${running.component} ready`, async () => {
        if (running.child.exitCode !== null)
          throw new Error(`${running.component} exited:\n${running.output()}`);
        return (await running.probe("readinessProbe")) === 200 ? true : undefined;
      });
      expect(await running.probe("livenessProbe"), running.component).toBe(200);
    }
  }, 120_000);

  it("/triage a-team → proposal with Approve → authorized approval → executor writes → validated → thread updated", async () => {
    const response = await sender().command({
      text: "a-team",
      user: "U0ALICE",
      channel: "C0OPS",
      responseUrl: slack.responseUrl(),
    });
    expect(response.status).toBe(200);
    const investigation = await until("the a-team investigation", () =>
      investigationIn("a-team", "slash-command"),
    );
    const thread = investigation.thread ?? investigation.trigger.slack;
    const message = await until("an Approve button for create-pvc", () =>
      slack.workspace.messages.find(
        (m) => m.text.includes("create-pvc") && buttonValue(m) !== undefined && m.channel === thread?.channel,
      ),
    );
    const value = buttonValue(message) as string;
    await sender().action({
      actionId: APPROVE_ACTION_ID,
      value,
      user: "U0ALICE",
      channel: message.channel,
      messageTs: message.ts,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      responseUrl: slack.responseUrl(),
    });
    const final = await until(
      "validation",
      async () => {
        const current = await store.get(investigation.id);
        return current && (current.status === "resolved" || current.status === "failed")
          ? current
          : undefined;
      },
      180_000,
    );
    expect(final.status, final.error).toBe("resolved");
    const write = sim.requests.find(
      (r) => r.verb === "create" && r.resource === "persistentvolumeclaims" && !r.dryRun,
    );
    expect(write?.identity).toBe(identities.get("triage-k8s-triage-bot-executor")?.name);
    expect(write?.status).toBe(201);
    // The executor holds no Slack token: the result reached the thread through a worker.
    await until("the execution result in the thread", () =>
      threadMessages(message.channel, message.threadTs ?? message.ts).find((m) =>
        /^(\[[^\]]+\] )?Applied create-pvc/.test(m.text),
      ),
    );
    expect(pod("executor").env.SLACK_BOT_TOKEN).toBeUndefined();
  }, 300_000);

  it("/triage prod-api → a proposal with an Approve button under the reader identity with Claude on", async () => {
    await sender().command({
      text: "prod-api",
      user: "U0ALICE",
      channel: "C0OPS",
      responseUrl: slack.responseUrl(),
    });
    const investigation = await until("the prod-api analysis", async () => {
      const found = await investigationIn("prod-api", "slash-command");
      return found?.rca ? found : undefined;
    });
    expect(investigation.rca?.source).toBe("model");
    await until("an Approve button in the prod-api thread", () =>
      slack.workspace.messages.find(
        (m) => m.threadTs === investigation.thread?.threadTs && buttonValue(m) !== undefined,
      ),
    );
  }, 180_000);

  it("an @mention follow-up is answered in the thread by a worker, with cluster facts", async () => {
    const investigation = (await investigationIn("a-team", "slash-command")) as Investigation;
    const threadTs = investigation.thread?.threadTs as string;
    await sender().event(
      {
        type: "app_mention",
        user: "U0ALICE",
        text: "<@U0TRIAGEBOT> which claims exist now?",
        ts: `${Math.floor(Date.now() / 1000)}.000200`,
        thread_ts: threadTs,
        channel: investigation.thread?.channel,
      },
      `Ev0TOPO${randomBytes(3).toString("hex")}`,
    );
    const answer = await until("the follow-up answer", () =>
      slack.workspace.messages.find((m) => m.threadTs === threadTs && m.text.startsWith("From the cluster:")),
    );
    expect(answer.text).toContain("postgres-pvc");
    const reader = identities.get("triage-k8s-triage-bot-reader")?.name;
    expect(sim.requests.some((r) => r.identity === reader && r.resource === "persistentvolumeclaims")).toBe(
      true,
    );
  }, 120_000);

  it("the Alertmanager webhook posts the alert and investigates it", async () => {
    const response = await fetch(`${serveUrl()}/alertmanager`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify({
        version: "4",
        groupKey: '{}:{alertname="KubePodCrashLooping"}',
        status: "firing",
        receiver: "k8s-triage",
        groupLabels: { alertname: "KubePodCrashLooping" },
        commonLabels: { alertname: "KubePodCrashLooping", namespace: "prod-api" },
        commonAnnotations: {},
        externalURL: "http://alertmanager.example:9093",
        alerts: [
          {
            status: "firing",
            labels: { alertname: "KubePodCrashLooping", namespace: "prod-api", severity: "warning" },
            annotations: { summary: "prod-api pods are crash looping" },
            startsAt: sim.clock.now(),
            fingerprint: "0a1b2c3d4e5f6071",
          },
        ],
      }),
    });
    expect(response.status).toBe(202);
    await until("the alert in the incident channel", () =>
      slack.workspace.messages.find(
        (m) => m.channel === "C0INCIDENTS" && m.text.includes("KubePodCrashLooping"),
      ),
    );
  }, 120_000);

  it("the watcher starts an investigation from a new Warning event", async () => {
    const api = sim.kubeConfig("admin").makeApiClient(CoreV1Api);
    const now = sim.clock.now();
    await api.createNamespacedEvent({
      namespace: "a-team",
      body: {
        metadata: { name: `postgres-db-topology.${randomBytes(4).toString("hex")}`, namespace: "a-team" },
        involvedObject: {
          kind: "Pod",
          namespace: "a-team",
          name: "postgres-db-6d9f7c8b5-x2k4p",
          apiVersion: "v1",
        },
        reason: "BackOff",
        message: "Back-off restarting failed container postgres",
        type: "Warning",
        firstTimestamp: new Date(now) as unknown as Date,
        lastTimestamp: new Date(now) as unknown as Date,
        count: 1,
        source: { component: "kubelet" },
      },
    });
    await until("a watcher investigation", () => investigationIn("a-team", "watcher"));
  }, 120_000);

  it("/metrics answers on each pod's declared port, and the shared series come from exactly one pod", async () => {
    let exporters = 0;
    for (const running of pods) {
      const port = running.ports.get("health");
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status, running.component).toBe(200);
      const text = await response.text();
      expect(text).toContain("# TYPE k8s_triage_investigations_total counter");
      if (/^k8s_triage_metrics_exporter 1$/m.test(text)) exporters++;
    }
    expect(exporters).toBe(1);
  });

  it("no request was denied by the rendered RBAC, the reader never wrote, and each role used only its own grants", () => {
    const names = new Map([...identities].map(([account, identity]) => [identity.name, account]));
    const denied = sim.requests.filter((r) => r.status === 403 || r.status === 401);
    expect(denied.map((r) => `${r.identity} ${r.verb} ${r.path}`)).toEqual([]);
    const readerName = identities.get("triage-k8s-triage-bot-reader")?.name;
    expect(sim.requests.filter((r) => r.identity === readerName && (isMutating(r) || r.dryRun))).toEqual([]);
    const used = new Map<string, Set<string>>();
    for (const request of sim.requests) {
      const account = names.get(request.identity);
      if (!account || !request.resource) continue;
      const identity = identities.get(account) as Identity;
      const rule = allowingRule(identity.rbac ?? [], {
        verb: request.verb,
        group: request.group ?? "",
        resource: request.resource,
        ...(request.subresource ? { subresource: request.subresource } : {}),
        ...(request.namespace ? { namespace: request.namespace } : {}),
        ...(request.name ? { name: request.name } : {}),
      });
      expect(rule, `${account} ${request.verb} ${request.path}`).toBeDefined();
      const key = `${request.verb} ${request.group ? `${request.group}/` : ""}${request.resource}${request.subresource ? `/${request.subresource}` : ""}`;
      used.set(account, (used.get(account) ?? new Set()).add(key));
    }
    // serve has no cluster identity at all; the executor wrote only what it was approved to.
    expect(used.has("triage-k8s-triage-bot-serve")).toBe(false);
    const executorWrites = [...(used.get("triage-k8s-triage-bot-executor") ?? [])].filter(
      (key) => !/^(get|list|watch) /.test(key),
    );
    expect(executorWrites).toEqual(["create persistentvolumeclaims"]);
    // Minimal: every verb the rendered roles grant for reading was used here (watch only on the
    // events the watcher watches); the executor's write verbs are exactly the catalog's (unit test).
    const verbs = (keys: Iterable<string>) =>
      [...new Set([...keys].map((key) => key.split(" ")[0] ?? ""))].sort();
    const granted = (account: string) =>
      verbs(
        (identities.get(account)?.rbac ?? []).flatMap((rule) =>
          rule.resources ? rule.verbs.map((verb) => `${verb} x`) : [],
        ),
      );
    const isRead = (verb: string) => ["get", "list", "watch"].includes(verb);
    const reader = "triage-k8s-triage-bot-reader";
    const executor = "triage-k8s-triage-bot-executor";
    expect(verbs(used.get(reader) ?? [])).toEqual(granted(reader));
    expect(verbs(used.get(executor) ?? []).filter(isRead)).toEqual(granted(executor).filter(isRead));
    const watched = [...(used.get(reader) ?? [])].filter((key) => key.startsWith("watch "));
    expect(watched).toEqual(["watch events"]);
    console.log(
      "requests by identity:\n" +
        [...used].map(([account, keys]) => `  ${account}: ${[...keys].sort().join(", ")}`).join("\n"),
    );
  });
});
