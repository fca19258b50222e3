import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readerRules } from "../../../src/deploy/rbac.js";
import { runKubeTool } from "../../../src/dev/kube-tools.js";
import { rulesForServiceAccount } from "../../../src/sim/rbac.js";
import { CHART, ofKind, type Rendered, renderChart } from "../../support/chart.js";

/**
 * `mode: all-in-one | central | agent`, rendered by real Helm: all-in-one is today's chart,
 * central holds no cluster credentials, an agent needs only Redis and its cluster's name.
 */

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  args: string[];
  env: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Deployment extends Rendered {
  spec: {
    template: {
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken?: boolean;
        containers: Container[];
        volumes?: Record<string, unknown>[];
      };
    };
  };
}
interface NetworkPolicy extends Rendered {
  spec: { podSelector: { matchLabels: Record<string, string> }; egress: { ports: { port: number }[] }[] };
}

const REDIS = { url: "redis://redis.central.example:6379" };
const RBAC_KINDS = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const CENTRAL = {
  mode: "central",
  redis: REDIS,
  secrets: { slackBotToken: "xoxb-central", slackSigningSecret: "signing", anthropicApiKey: "sk-ant-x" },
  ingress: { enabled: true, host: "triage.example.com" },
  metrics: { serviceMonitor: { enabled: true } },
};
/** Everything an agent install needs. */
const AGENT = { mode: "agent", redis: REDIS, cluster: { name: "eu-1" } };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chart-modes-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const component = (object: Rendered) => object.metadata.labels?.["app.kubernetes.io/component"] ?? "";
const byRole = (objects: Rendered[]) =>
  new Map(ofKind<Deployment>(objects, "Deployment").map((d) => [component(d), d]));
const container = (deployment: Deployment | undefined) =>
  deployment?.spec.template.spec.containers[0] as Container;
const envOf = (c: Container) =>
  Object.fromEntries(c.env.filter((e) => e.value).map((e) => [e.name, e.value]));
const secretKeys = (c: Container) =>
  c.env.flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.key] : []));
const names = (objects: Rendered[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

async function lint(name: string, values: Record<string, unknown>): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(values));
  return runKubeTool("helm", ["lint", "--strict", CHART, "-f", file]);
}

describe("the chart's modes, rendered by real Helm", () => {
  it("helm lint --strict passes for central and for an agent given only Redis and its cluster name", async () => {
    expect(await lint("central", CENTRAL)).toContain("0 chart(s) failed");
    expect(await lint("agent", AGENT)).toContain("0 chart(s) failed");
    expect(await lint("central-bundled", { ...CENTRAL, redis: { bundled: { enabled: true } } })).toContain(
      "0 chart(s) failed",
    );
  });

  it("all-in-one is the default: naming it changes nothing, and it renders the single-cluster objects as before", async () => {
    const cases: Record<string, unknown>[] = [
      { redis: REDIS },
      {
        redis: { bundled: { enabled: true } },
        secrets: { slackBotToken: "xoxb", anthropicApiKey: "sk" },
        ingress: { enabled: true },
        metrics: { serviceMonitor: { enabled: true } },
        worker: { autoscaling: { enabled: true } },
        policy: { content: "namespaces: [a-team, prod-api]\n" },
      },
    ];
    for (const values of cases) {
      const implicit = await renderChart(values);
      expect(await renderChart({ ...values, mode: "all-in-one" })).toEqual(implicit);
      // No cluster name configured: no CLUSTER_NAME (the app's "default"), as before.
      for (const deployment of ofKind<Deployment>(implicit, "Deployment"))
        expect((container(deployment).env ?? []).some((e) => e.name === "CLUSTER_NAME")).toBe(false);
    }
    const objects = await renderChart({ redis: REDIS });
    expect(names(objects)).toEqual(
      [
        "ClusterRole/triage-k8s-triage-bot-executor",
        "ClusterRole/triage-k8s-triage-bot-reader",
        "ClusterRoleBinding/triage-k8s-triage-bot-executor",
        "ClusterRoleBinding/triage-k8s-triage-bot-reader",
        "ConfigMap/triage-k8s-triage-bot-policy",
        "Deployment/triage-k8s-triage-bot-executor",
        "Deployment/triage-k8s-triage-bot-serve",
        "Deployment/triage-k8s-triage-bot-watcher",
        "Deployment/triage-k8s-triage-bot-worker",
        "NetworkPolicy/triage-k8s-triage-bot-executor",
        "NetworkPolicy/triage-k8s-triage-bot-serve",
        "NetworkPolicy/triage-k8s-triage-bot-watcher",
        "NetworkPolicy/triage-k8s-triage-bot-worker",
        "PodDisruptionBudget/triage-k8s-triage-bot-serve",
        "PodDisruptionBudget/triage-k8s-triage-bot-worker",
        "Service/triage-k8s-triage-bot",
        "ServiceAccount/triage-k8s-triage-bot-executor",
        "ServiceAccount/triage-k8s-triage-bot-reader",
        "ServiceAccount/triage-k8s-triage-bot-serve",
      ].sort(),
    );
    expect(container(byRole(objects).get("worker")).args).toEqual([
      "worker",
      "--queues",
      "investigations,follow-ups,notifications",
    ]);
    // A named all-in-one cluster: every role shows it.
    const named = await renderChart({ redis: REDIS, cluster: { name: "eu-1" } });
    for (const [role, deployment] of byRole(named))
      expect(envOf(container(deployment)).CLUSTER_NAME, role).toBe("eu-1");
  });

  it("central: serve only (it posts every agent's updates), no RBAC, no cluster identity, no kube credentials mounted", async () => {
    const objects = await renderChart({ ...CENTRAL, central: { clusters: ["eu-1", "us-1"] } });
    expect(objects.filter((o) => RBAC_KINDS.includes(o.kind)).map((o) => o.kind)).toEqual([]);
    expect(ofKind(objects, "ServiceAccount").map((sa) => sa.metadata.name)).toEqual([
      "triage-k8s-triage-bot-serve",
    ]);
    const [account] = ofKind<Rendered & { automountServiceAccountToken?: boolean }>(
      objects,
      "ServiceAccount",
    );
    expect(account?.automountServiceAccountToken).toBe(false);
    expect(
      rulesForServiceAccount(objects, { namespace: "triage", name: "triage-k8s-triage-bot-serve" }),
    ).toEqual([]);
    const roles = byRole(objects);
    expect([...roles.keys()]).toEqual(["serve"]);
    for (const [role, deployment] of roles) {
      const pod = deployment.spec.template.spec;
      expect(pod.serviceAccountName, role).toBe("triage-k8s-triage-bot-serve");
      expect(pod.automountServiceAccountToken, `${role}: no token mounted`).toBe(false);
      const c = container(deployment);
      expect(
        c.env.map((e) => e.name).filter((n) => /KUBECONFIG|KUBE_CONTEXT|CLUSTER_NAME/.test(n)),
        role,
      ).toEqual([]);
      expect(
        JSON.stringify(pod.volumes ?? []),
        `${role}: no projected token or kubeconfig volume`,
      ).not.toMatch(/projected|serviceAccountToken|kubeconfig/i);
      expect(secretKeys(c), role).not.toContain("ANTHROPIC_API_KEY");
    }
    expect(envOf(container(roles.get("serve")))).toMatchObject({
      CLUSTERS: "eu-1,us-1",
      AGENT_OFFLINE_SECONDS: "60",
      ALERTMANAGER_CLUSTER_LABEL: "cluster",
    });
    expect(secretKeys(container(roles.get("serve"))).sort()).toEqual([
      "ALERTMANAGER_WEBHOOK_TOKEN",
      "SLACK_APP_TOKEN",
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
    ]);
    // Slack reaches it: the Service and the Ingress; Prometheus: one metrics Service per role.
    expect(ofKind(objects, "Ingress")).toHaveLength(1);
    expect(
      ofKind(objects, "Service")
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(["triage-k8s-triage-bot", "triage-k8s-triage-bot-serve-metrics"]);
    // serve may not even reach an API server.
    const policies = ofKind<NetworkPolicy>(objects, "NetworkPolicy");
    expect(policies.map((p) => p.spec.podSelector.matchLabels["app.kubernetes.io/component"]).sort()).toEqual(
      ["serve"],
    );
    for (const policy of policies)
      expect(policy.spec.egress.flatMap((rule) => rule.ports.map((p) => p.port))).not.toContain(6443);
  });

  it("agent: only Redis and the cluster name given; one cluster's worker, executor and watcher, no Slack at all", async () => {
    const objects = await renderChart(AGENT);
    const roles = byRole(objects);
    expect([...roles.keys()].sort()).toEqual(["executor", "watcher", "worker"]);
    for (const [role, deployment] of roles) {
      const c = container(deployment);
      const env = envOf(c);
      expect(env.CLUSTER_NAME, role).toBe("eu-1");
      expect(env.REDIS_URL, role).toBe(REDIS.url);
      expect(
        secretKeys(c).filter((key) => /SLACK|ALERTMANAGER/.test(key)),
        role,
      ).toEqual([]);
      if (role !== "watcher")
        expect(env.NOTIFY_VIA, `${role} hands Slack updates to central's serve`).toBe("queue");
    }
    expect(container(roles.get("worker")).args).toEqual(["worker", "--queues", "investigations,follow-ups"]);
    expect(container(roles.get("executor")).args).toEqual(["worker", "--queues", "remediations"]);
    expect(ofKind(objects, "Secret")).toEqual([]);
    expect(ofKind(objects, "Ingress")).toEqual([]);
    expect(ofKind(objects, "Service")).toEqual([]);
    expect(
      ofKind(objects, "ServiceAccount")
        .map((sa) => sa.metadata.name)
        .sort(),
    ).toEqual(["triage-k8s-triage-bot-executor", "triage-k8s-triage-bot-reader"]);
    // This cluster's identities are as in all-in-one: the reader reads, the executor writes.
    const reader = ofKind<Rendered & { rules: unknown }>(objects, "ClusterRole").find((r) =>
      r.metadata.name.endsWith("-reader"),
    );
    expect(reader?.rules).toEqual(readerRules());
    expect(
      ofKind(objects, "ClusterRoleBinding")
        .map((b) => b.metadata.name)
        .sort(),
    ).toEqual(["triage-k8s-triage-bot-executor", "triage-k8s-triage-bot-reader"]);
    // With the Claude key and metrics on: a Secret with that key only, metrics Services per role.
    const withKey = await renderChart({
      ...AGENT,
      secrets: { anthropicApiKey: "sk-ant" },
      metrics: { serviceMonitor: { enabled: true } },
    });
    const [secret] = ofKind<Rendered & { stringData: Record<string, string> }>(withKey, "Secret");
    expect(Object.keys(secret?.stringData ?? {})).toEqual(["ANTHROPIC_API_KEY"]);
    expect(
      ofKind(withKey, "Service")
        .map((s) => component(s))
        .sort(),
    ).toEqual(["executor", "watcher", "worker"]);
  });

  it("refuses the combinations that cannot work, saying what to change", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mode: "agent", redis: REDIS }, /mode agent needs cluster\.name/],
      [{ ...AGENT, cluster: { name: "EU_1" } }, /cluster\/name.*does not match pattern/],
      [
        { ...AGENT, secrets: { slackBotToken: "xoxb" } },
        /mode agent holds no Slack credentials.*unset secrets\.slackBotToken/,
      ],
      [{ ...AGENT, ingress: { enabled: true } }, /mode agent has no Slack endpoint.*unset ingress\.enabled/],
      [
        { ...AGENT, redis: { bundled: { enabled: true } } },
        /mode agent connects to the central install's Redis: set redis\.url/,
      ],
      [
        { ...CENTRAL, cluster: { name: "eu-1" } },
        /mode central serves every cluster and reads none: unset cluster\.name/,
      ],
      // The schema requires a way to post to Slack for central.
      [{ mode: "central", redis: REDIS }, /\/secrets\/slackBotToken/],
      [
        { mode: "central", redis: REDIS, secrets: { slackBotToken: "xoxb" } },
        /\/secrets\/slackSigningSecret/,
      ],
      [{ mode: "hub", redis: REDIS }, /'all-in-one', 'central', 'agent'/],
    ];
    for (const [values, message] of cases)
      await expect(renderChart(values), JSON.stringify(values)).rejects.toThrow(message);
    // Central with a Secret you manage, or Socket Mode instead of a signing secret, is enough.
    await renderChart({ mode: "central", redis: REDIS, secrets: { existingSecret: "mine" } });
    await renderChart({
      mode: "central",
      redis: REDIS,
      secrets: { slackBotToken: "xoxb", slackAppToken: "xapp" },
    });
  });
});
