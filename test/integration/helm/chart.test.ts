import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readerRules } from "../../../src/deploy/rbac.js";
import { runKubeTool } from "../../../src/dev/kube-tools.js";
import { CHART, ofKind, type Rendered, renderChart } from "../../support/chart.js";

/** The parts of a rendered Deployment these tests read. */
interface Container {
  name: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
}
interface Deployment extends Rendered {
  spec: { template: { spec: { serviceAccountName: string; containers: Container[] } } };
}
interface Policy extends Rendered {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    ingress: { ports: { port: number }[]; from?: unknown[] }[];
    egress: { ports: { port: number }[]; to?: { podSelector?: { matchLabels: Record<string, string> } }[] }[];
  };
}

const ALL_ON = {
  image: { repository: "registry.example.com/k8s-triage-bot", tag: "1.2.3", pullPolicy: "Always" },
  secrets: {
    slackBotToken: "xoxb-test",
    slackSigningSecret: "signing",
    slackAppToken: "xapp-test",
    anthropicApiKey: "sk-ant-test",
    alertmanagerWebhookToken: "am-token",
  },
  anthropic: { model: "claude-opus-4-1", baseUrl: "https://llm-gateway.example.com" },
  slack: { apiUrl: "https://slack-proxy.example.com/api/" },
  queuePrefix: "triage-prod",
  policy: { content: "namespaces: [a-team, prod-api]\napprovers: [{namespaces: ['*'], users: [U0ALICE]}]\n" },
  redis: { bundled: { enabled: true } },
  logLevel: "silent",
  serviceAccounts: {
    reader: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/reader" } },
    executor: { annotations: { "iam.gke.io/gcp-service-account": "writer@p.iam.gserviceaccount.com" } },
    serve: { annotations: {} },
  },
  worker: { autoscaling: { enabled: true } },
  metrics: { serviceMonitor: { enabled: true, labels: { release: "prometheus" } } },
  ingress: {
    enabled: true,
    className: "nginx",
    host: "triage.example.com",
    tls: [{ hosts: ["triage.example.com"], secretName: "tls" }],
  },
  networkPolicy: {
    metricsFrom: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chart-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deployments(objects: Rendered[]): Map<string, Deployment> {
  return new Map(
    ofKind<Deployment>(objects, "Deployment").map((d) => [
      d.metadata.labels?.["app.kubernetes.io/component"] ?? "",
      d,
    ]),
  );
}

function secretKeys(container: Container): string[] {
  return container.env
    .filter((e) => e.valueFrom?.secretKeyRef)
    .map((e) => e.valueFrom?.secretKeyRef.key ?? "");
}

/** Every probe is an httpGet on a declared port whose number is the HEALTH_PORT the app listens on. */
function expectProbesOnDeclaredHealthPort(objects: Rendered[]): void {
  for (const [component, deployment] of deployments(objects)) {
    if (component === "redis") continue;
    const container = deployment.spec.template.spec.containers[0] as Container;
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      const port = container.ports.find((p) => p.name === probe.httpGet.port);
      expect(port, `${component}: probe port ${probe.httpGet.port} is declared`).toBeDefined();
      expect(String(port?.containerPort), `${component}: the app listens on the probed port`).toBe(
        env.HEALTH_PORT,
      );
    }
  }
}

describe("the Helm chart, rendered by real Helm", () => {
  it("helm lint --strict passes for defaults, all options on and an existing Secret", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["defaults", { redis: { url: "redis://redis:6379" } }],
      ["all options", ALL_ON],
      ["existing secret", { redis: { url: "redis://redis:6379" }, secrets: { existingSecret: "mine" } }],
    ];
    for (const [name, values] of cases) {
      const file = join(dir, `${name.replace(/ /g, "-")}.json`);
      await writeFile(file, JSON.stringify(values));
      const out = await runKubeTool("helm", ["lint", "--strict", CHART, "-f", file]);
      expect(out, name).toContain("0 chart(s) failed");
    }
  });

  it("with no redis.url and no bundled Redis, says what to set", async () => {
    await expect(renderChart({})).rejects.toThrow(
      /redis\.url is required unless redis\.bundled\.enabled is true/,
    );
  });

  it("renders the README's install command as written", async () => {
    const readme = await readFile(join(CHART, "..", "..", "README.md"), "utf8");
    const command = readme.match(/^helm install triage \.\/helm\/k8s-triage-bot \\\n(?:.*\\\n)*.*$/m)?.[0];
    expect(command, "the README has a helm install block").toBeDefined();
    const args = (command ?? "").replace(/\\\n/g, " ").split(/\s+/).filter(Boolean).slice(4);
    const policy = join(dir, "policy.yaml");
    await writeFile(policy, "namespaces: [a-team, prod-api]\n");
    const resolved = args.map((arg) => arg.replace("=./policy.yaml", `=${policy}`));
    const objects = await renderChart({}, { extraArgs: resolved });
    expect(ofKind(objects, "Secret")).toEqual([]);
    const serve = deployments(objects).get("serve")?.spec.template.spec.containers[0] as Container;
    expect(serve.env.find((e) => e.name === "SLACK_BOT_TOKEN")?.valueFrom?.secretKeyRef.name).toBe(
      "k8s-triage",
    );
    expect(ofKind(objects, "Ingress")).toHaveLength(1);
    expect(
      ofKind(objects, "RoleBinding")
        .map((b) => b.metadata.namespace)
        .sort(),
    ).toEqual(["a-team", "prod-api"]);
    expectProbesOnDeclaredHealthPort(objects);
  });

  it("defaults: probes on the declared health port, no empty Secret, per-role secrets, reader rules as generated", async () => {
    const objects = await renderChart({ redis: { url: "redis://redis:6379" } });
    expectProbesOnDeclaredHealthPort(objects);
    expect(ofKind(objects, "Secret"), "no Secret when no value is given").toEqual([]);
    const byRole = deployments(objects);
    const keys = (role: string) =>
      secretKeys(byRole.get(role)?.spec.template.spec.containers[0] as Container).sort();
    expect(keys("serve")).toEqual([
      "ALERTMANAGER_WEBHOOK_TOKEN",
      "SLACK_APP_TOKEN",
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
    ]);
    expect(keys("worker")).toEqual(["ANTHROPIC_API_KEY", "SLACK_BOT_TOKEN"]);
    expect(keys("executor")).toEqual(["ANTHROPIC_API_KEY"]);
    expect(keys("watcher")).toEqual([]);
    const reader = ofKind<{ metadata: { name: string }; rules: unknown }>(objects, "ClusterRole").find((r) =>
      r.metadata.name.endsWith("-reader"),
    );
    expect(reader?.rules).toEqual(readerRules());
    // The default policy allows every namespace, so the writer is bound cluster-wide.
    expect(
      ofKind(objects, "ClusterRoleBinding")
        .map((b) => b.metadata.name)
        .sort(),
    ).toEqual(["triage-k8s-triage-bot-executor", "triage-k8s-triage-bot-reader"]);
    expect(ofKind(objects, "ServiceMonitor")).toEqual([]);
  });

  it("all options on: bundled Redis reachable through the NetworkPolicies, writer bound per namespace, annotations, ServiceMonitor", async () => {
    const objects = await renderChart(ALL_ON);
    expectProbesOnDeclaredHealthPort(objects);
    const policies = ofKind<Policy>(objects, "NetworkPolicy");
    const component = (p: Policy) => p.spec.podSelector.matchLabels["app.kubernetes.io/component"];
    expect(policies.map(component).sort()).toEqual(["executor", "redis", "serve", "watcher", "worker"]);
    const redisPolicy = policies.find((p) => component(p) === "redis") as Policy;
    expect(redisPolicy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([6379]);
    expect(redisPolicy.spec.egress).toEqual([]);
    for (const policy of policies.filter((p) => component(p) !== "redis")) {
      const toRedis = policy.spec.egress.find((rule) => rule.ports.some((p) => p.port === 6379));
      expect(
        toRedis?.to?.[0]?.podSelector?.matchLabels["app.kubernetes.io/component"],
        component(policy),
      ).toBe("redis");
      const inbound = policy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port)).sort();
      expect(inbound, component(policy)).toEqual(component(policy) === "serve" ? [3000, 9090] : [9090]);
      const outbound = new Set(policy.spec.egress.flatMap((rule) => rule.ports.map((p) => p.port)));
      expect(outbound.has(443), `${component(policy)} reaches HTTPS`).toBe(true);
      expect(outbound.has(6443), `${component(policy)} reaches the API server`).toBe(
        component(policy) !== "serve",
      );
    }
    // Redis pods are selected by their own policy only: the roles' policies do not select them.
    expect(policies.filter((p) => component(p) !== "redis").every((p) => component(p) !== undefined)).toBe(
      true,
    );

    expect(
      ofKind(objects, "RoleBinding")
        .map((b) => b.metadata.namespace)
        .sort(),
    ).toEqual(["a-team", "prod-api"]);
    expect(ofKind(objects, "ClusterRoleBinding").map((b) => b.metadata.name)).toEqual([
      "triage-k8s-triage-bot-reader",
    ]);
    const accounts = new Map(
      ofKind(objects, "ServiceAccount").map((sa) => [sa.metadata.name, sa.metadata.annotations]),
    );
    expect(accounts.get("triage-k8s-triage-bot-reader")).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/reader",
    });
    expect(accounts.get("triage-k8s-triage-bot-executor")).toEqual({
      "iam.gke.io/gcp-service-account": "writer@p.iam.gserviceaccount.com",
    });
    const [monitor] = ofKind<Rendered & { spec: { endpoints: { port: string }[] } }>(
      objects,
      "ServiceMonitor",
    );
    expect(monitor?.metadata.labels?.release).toBe("prometheus");
    expect(monitor?.spec.endpoints[0]?.port).toBe("health");
    const metricsServices = ofKind(objects, "Service").filter((s) => s.metadata.name.endsWith("-metrics"));
    expect(metricsServices).toHaveLength(4);
    const [secret] = ofKind<Rendered & { stringData: Record<string, string> }>(objects, "Secret");
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual([
      "ALERTMANAGER_WEBHOOK_TOKEN",
      "ANTHROPIC_API_KEY",
      "SLACK_APP_TOKEN",
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
    ]);
    const worker = deployments(objects).get("worker")?.spec.template.spec.containers[0] as Container;
    expect(worker.env.find((e) => e.name === "LOG_LEVEL")?.value).toBe("silent");
    expect(worker.env.find((e) => e.name === "QUEUE_PREFIX")?.value).toBe("triage-prod");
  });

  it("an existing Secret: nothing rendered, every role references it", async () => {
    const objects = await renderChart({
      redis: { url: "redis://redis:6379" },
      secrets: { existingSecret: "mine" },
    });
    expect(ofKind(objects, "Secret")).toEqual([]);
    for (const [role, deployment] of deployments(objects)) {
      for (const e of (deployment.spec.template.spec.containers[0] as Container).env)
        if (e.valueFrom) expect(e.valueFrom.secretKeyRef.name, role).toBe("mine");
    }
  });

  it("a policy with namespace globs asks for executor.namespaces instead of binding the writer everywhere", async () => {
    await expect(
      renderChart({ redis: { url: "redis://redis:6379" }, policy: { content: "namespaces: [prod-*]\n" } }),
    ).rejects.toThrow(
      /"prod-\*" is a glob: list the namespaces the executor may write in as executor\.namespaces/,
    );
    const objects = await renderChart({
      redis: { url: "redis://redis:6379" },
      policy: { content: "namespaces: [prod-*]\n" },
      executor: { namespaces: ["prod-api"] },
    });
    expect(ofKind(objects, "RoleBinding").map((b) => b.metadata.namespace)).toEqual(["prod-api"]);
  });

  it("the schema accepts every log level the app accepts and rejects others", async () => {
    for (const level of ["debug", "info", "warn", "error", "silent"])
      await renderChart({ redis: { url: "redis://r:6379" }, logLevel: level });
    await expect(renderChart({ redis: { url: "redis://r:6379" }, logLevel: "verbose" })).rejects.toThrow(
      /logLevel/,
    );
  });
});
