import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buttonValue } from "../../../src/demo/script.js";
import { type FakeMessage, FakeSlack } from "../../../src/dev/fake-slack.js";
import { SlackSender } from "../../../src/dev/slack-requests.js";
import { type Identity, isMutating, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { rulesForServiceAccount } from "../../../src/sim/rbac.js";
import { APPROVE_ACTION_ID } from "../../../src/slack/blocks/proposal.js";
import { type Rendered, renderChart } from "../../support/chart.js";
import { builtDist } from "../../support/dist.js";
import { type DeploymentObject, type LocalPod, runDeployment } from "../../support/topology.js";

/**
 * One central release and two agent releases (eu-1, us-1), each rendered by real Helm and each
 * Deployment run as a local process from the built dist/ with exactly its rendered args and env:
 * the central pods get no cluster identity at all; each agent gets only its own simulated
 * cluster's ServiceAccounts and no Slack value.
 */

const NAMESPACE = "triage";
const POLICY =
  "namespaces: [a-team, prod-api]\nincidentChannels: [C0INCIDENTS]\napprovers: [{namespaces: ['*'], users: [U0ALICE]}]\n";
const SIGNING_SECRET = randomBytes(16).toString("hex");
const WEBHOOK_TOKEN = randomBytes(12).toString("hex");

interface Release {
  name: string;
  objects: Rendered[];
  sim?: SimCluster;
  identities: Map<string, Identity>;
  pods: LocalPod[];
}

let dir: string;
let slack: FakeSlack;
const releases: Release[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = releases
        .flatMap((r) => r.pods.map((pod) => `--- ${r.name}/${pod.component}\n${pod.output().slice(-2000)}`))
        .join("\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function start(release: Release, secret: Record<string, string>): Promise<void> {
  const dist = await builtDist();
  const kubeconfigs = new Map<string, string>();
  if (release.sim) {
    for (const [name, identity] of release.identities) {
      const path = join(dir, `${release.name}-${name}.kubeconfig`);
      await release.sim.writeKubeconfig(path, identity.name);
      kubeconfigs.set(name, path);
    }
  }
  for (const deployment of release.objects.filter((o): o is DeploymentObject => o.kind === "Deployment")) {
    release.pods.push(
      await runDeployment(deployment, {
        dist,
        cwd: process.cwd(),
        objects: release.objects,
        secret,
        kubeconfigFor: (name) => kubeconfigs.get(name),
        workDir: join(dir, release.name),
      }),
    );
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "topology-modes-"));
  slack = await new FakeSlack().start();
  const prefix = `modes-${randomBytes(4).toString("hex")}`;
  const common = {
    redis: { url: inject("redisUrl") },
    queuePrefix: prefix,
    policy: { content: POLICY },
    logLevel: "info",
    slack: { apiUrl: slack.url },
  };
  const central: Release = {
    name: "central",
    objects: await renderChart(
      { ...common, mode: "central", secrets: { existingSecret: "central-credentials" } },
      { release: "central", namespace: NAMESPACE },
    ),
    identities: new Map(),
    pods: [],
  };
  releases.push(central);
  for (const cluster of ["eu-1", "us-1"]) {
    const { slack: _noSlack, ...agentValues } = common;
    const objects = await renderChart(
      { ...agentValues, mode: "agent", cluster: { name: cluster } },
      { release: `agent-${cluster}`, namespace: NAMESPACE },
    );
    const identities = new Map<string, Identity>();
    for (const account of objects.filter((o) => o.kind === "ServiceAccount")) {
      const name = account.metadata.name;
      identities.set(name, {
        name: `system:serviceaccount:${NAMESPACE}:${name}`,
        token: `sa-${cluster}-${randomBytes(8).toString("hex")}`,
        rules: [],
        rbac: rulesForServiceAccount(objects, { namespace: NAMESPACE, name }),
      });
    }
    const sim = await startSimCluster({ scenario: "prod-api-outage", identities: [...identities.values()] });
    releases.push({ name: `agent-${cluster}`, objects, sim, identities, pods: [] });
  }
  await start(central, {
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
  });
  // The agents get no Secret value at all: an agent install has none to give.
  for (const agent of releases.slice(1)) await start(agent, {});
}, 300_000);

afterAll(async () => {
  await Promise.all(releases.flatMap((r) => r.pods.map((pod) => pod.stop())));
  await Promise.all(releases.map((r) => r.sim?.close()));
  await slack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("central and agent releases of the chart, run as processes", () => {
  it("every pod of the central and of both agents gets ready; central holds no cluster identity, agents no Slack value", async () => {
    const [central, ...agents] = releases as [Release, ...Release[]];
    expect(central.pods.map((p) => p.component).sort()).toEqual(["serve"]);
    for (const agent of agents)
      expect(agent.pods.map((p) => p.component).sort()).toEqual(["executor", "watcher", "worker"]);
    for (const release of releases) {
      for (const pod of release.pods) {
        await until(`${release.name}/${pod.component} ready`, async () => {
          if (pod.child.exitCode !== null)
            throw new Error(`${release.name}/${pod.component} exited:\n${pod.output()}`);
          return (await pod.probe("readinessProbe")) === 200 ? true : undefined;
        });
      }
    }
    for (const pod of central.pods) {
      expect(pod.env.KUBECONFIG, `${pod.component}: no kubeconfig`).toBeUndefined();
      expect(pod.serviceAccount).toBe("central-k8s-triage-bot-serve");
    }
    for (const [index, agent] of agents.entries()) {
      for (const pod of agent.pods) {
        expect(pod.env.CLUSTER_NAME).toBe(["eu-1", "us-1"][index]);
        expect(Object.keys(pod.env).filter((name) => /^SLACK_|ALERTMANAGER/.test(name))).toEqual([]);
      }
    }
  }, 180_000);

  it("/triage prod-api --cluster us-1 through central: us-1's agent investigates under its own reader, the thread says us-1, Approve writes on us-1 only", async () => {
    const [central, eu, us] = releases as [Release, Release, Release];
    const serve = central.pods.find((pod) => pod.component === "serve") as LocalPod;
    const serveUrl = `http://127.0.0.1:${serve.ports.get("http")}`;
    const sender = new SlackSender(`${serveUrl}/slack/events`, SIGNING_SECRET);
    // Central learns the clusters from the agents' heartbeats: until it does, the command is
    // answered (response_url, ephemeral) "Unknown cluster us-1" and nothing starts; retry then.
    const response = await until("us-1's agent routable", async () => {
      const before = slack.calls.length;
      const answer = await sender.command({
        text: "prod-api --cluster us-1",
        user: "U0ALICE",
        channel: "C0OPS",
        responseUrl: slack.responseUrl(),
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const refused = slack.calls
        .slice(before)
        .some(
          (call) => call.method === "response_url" && /Nothing was started/.test(String(call.params.text)),
        );
      return refused ? undefined : answer;
    });
    expect(response.status).toBe(200);
    const threadReplies = (parent: FakeMessage) =>
      slack.workspace.messages.filter((m) => m.channel === parent.channel && m.threadTs === parent.ts);
    const parent = await until("the us-1 thread with a proposal", async () =>
      slack.workspace.messages.find(
        (m) =>
          m.channel === "C0OPS" &&
          !m.threadTs &&
          threadReplies(m).some(
            (reply) => reply.text.startsWith("[us-1] ") && buttonValue(reply) !== undefined,
          ),
      ),
    );
    const replies = threadReplies(parent);
    // Every reply names us-1 (the evidence file by its title).
    expect(
      replies
        .filter((reply) =>
          reply.files?.length
            ? !reply.files.every((file) => file.title.includes("us-1"))
            : !reply.text.startsWith("[us-1] "),
        )
        .map((reply) => reply.text),
    ).toEqual([]);
    const usReader = us.identities.get("agent-us-1-k8s-triage-bot-reader")?.name;
    expect(us.sim?.requests.filter((r) => r.namespace === "prod-api").map((r) => r.identity)).toContain(
      usReader,
    );
    expect(eu.sim?.requests.some((r) => r.namespace === "prod-api" && r.path.includes("/pods"))).toBe(false);

    const fix = replies.find((reply) => buttonValue(reply) !== undefined) as FakeMessage;
    await sender.action({
      actionId: APPROVE_ACTION_ID,
      value: buttonValue(fix) as string,
      user: "U0ALICE",
      channel: fix.channel,
      messageTs: fix.ts,
      threadTs: parent.ts,
      responseUrl: slack.responseUrl(),
    });
    const usExecutor = us.identities.get("agent-us-1-k8s-triage-bot-executor")?.name;
    const write = await until(
      "the executor's write on us-1",
      async () => us.sim?.requests.find((r) => r.identity === usExecutor && isMutating(r) && !r.dryRun),
      120_000,
    );
    expect(write.namespace).toBe("prod-api");
    expect(eu.sim?.requests.filter((r) => isMutating(r))).toEqual([]);
  }, 240_000);

  it("an alert labelled cluster=eu-1 is investigated by eu-1's agent", async () => {
    const [central, eu, us] = releases as [Release, Release, Release];
    const serve = central.pods.find((pod) => pod.component === "serve") as LocalPod;
    const usBefore = us.sim?.requests.length ?? 0;
    const labels = {
      alertname: "KubePodCrashLooping",
      namespace: "prod-api",
      cluster: "eu-1",
      severity: "warning",
    };
    const response = await fetch(`http://127.0.0.1:${serve.ports.get("http")}/alertmanager`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify({
        version: "4",
        groupKey: '{}:{alertname="KubePodCrashLooping"}',
        status: "firing",
        receiver: "k8s-triage",
        groupLabels: { alertname: labels.alertname },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: "http://alertmanager.example:9093",
        alerts: [
          {
            status: "firing",
            labels,
            annotations: { summary: "prod-api pods are crash looping" },
            startsAt: new Date().toISOString(),
            fingerprint: "0a1b2c3d4e5f6071",
          },
        ],
      }),
    });
    expect(response.status).toBe(202);
    await until("the alert's thread with eu-1's root cause", async () =>
      slack.workspace.messages.find(
        (m) =>
          m.channel === "C0INCIDENTS" &&
          slack.workspace.messages.some(
            (reply) => reply.threadTs === m.ts && reply.text.startsWith("[eu-1] Root cause"),
          ),
      ),
    );
    const euReader = eu.identities.get("agent-eu-1-k8s-triage-bot-reader")?.name;
    expect(eu.sim?.requests.some((r) => r.identity === euReader && r.namespace === "prod-api")).toBe(true);
    // us-1's API server saw nothing of it (its agent's heartbeat lists namespaces at most).
    expect(us.sim?.requests.slice(usBefore).filter((r) => r.namespace === "prod-api")).toEqual([]);
  }, 180_000);

  it("no request on either cluster was denied by its release's rendered RBAC, and only the executors wrote", () => {
    for (const agent of releases.slice(1)) {
      const requests = agent.sim?.requests ?? [];
      expect(
        requests
          .filter((r) => r.status === 401 || r.status === 403)
          .map((r) => `${r.identity} ${r.verb} ${r.path}`),
        agent.name,
      ).toEqual([]);
      const writers = new Set(requests.filter((r) => isMutating(r)).map((r) => r.identity));
      const executor = [...agent.identities.values()].find((identity) =>
        identity.name.endsWith("-executor"),
      )?.name;
      expect(
        [...writers].filter((identity) => identity !== executor),
        agent.name,
      ).toEqual([]);
    }
  });
});
