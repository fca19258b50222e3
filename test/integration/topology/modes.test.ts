import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { type Identity, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { rulesForServiceAccount } from "../../../src/sim/rbac.js";
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
const POLICY = "namespaces: [a-team, prod-api]\napprovers: [{namespaces: ['*'], users: [U0ALICE]}]\n";

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
    SLACK_SIGNING_SECRET: randomBytes(16).toString("hex"),
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
});
