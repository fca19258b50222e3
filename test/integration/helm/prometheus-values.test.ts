import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { prometheusOptionsFromEnv } from "../../../src/prometheus/index.js";
import { ofKind, type Rendered, renderChart } from "../../support/chart.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } };
}
interface Deployment extends Rendered {
  spec: { template: { spec: { containers: { env: EnvVar[] }[] } } };
}
interface Policy extends Rendered {
  spec: { egress: { ports: { port: number }[]; to?: unknown[] }[] };
}

const BASE = { redis: { url: "redis://redis:6379" } };
const MONITORING = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }];

function workerEnv(objects: Rendered[]): EnvVar[] {
  const worker = ofKind<Deployment>(objects, "Deployment").find((d) => d.metadata.name.endsWith("-worker"));
  return worker?.spec.template.spec.containers[0]?.env ?? [];
}

function egressPorts(objects: Rendered[], role: string): number[] {
  const policy = ofKind<Policy>(objects, "NetworkPolicy").find((p) => p.metadata.name.endsWith(`-${role}`));
  return (policy?.spec.egress ?? []).flatMap((rule) => rule.ports.map((p) => p.port));
}

describe("chart: prometheus values", () => {
  it("off by default: no PROMETHEUS_* env and no egress to Prometheus", async () => {
    const objects = await renderChart(BASE);
    expect(workerEnv(objects).some((e) => e.name.startsWith("PROMETHEUS_"))).toBe(false);
    expect(egressPorts(objects, "worker")).not.toContain(9090);
  });

  it("with prometheus.url: the workers get the URL, timeout, credentials from the Secret, and egress to its port", async () => {
    const objects = await renderChart({
      ...BASE,
      prometheus: {
        url: "http://prometheus-operated.monitoring:9090",
        existingSecret: "prom-auth",
        timeoutSeconds: 5,
        to: MONITORING,
      },
    });
    const env = workerEnv(objects);
    const values = Object.fromEntries(
      env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? ""]),
    );
    expect(values.PROMETHEUS_URL).toBe("http://prometheus-operated.monitoring:9090");
    expect(values.PROMETHEUS_TIMEOUT_SECONDS).toBe("5");
    expect(env.filter((e) => e.valueFrom?.secretKeyRef.name === "prom-auth").map((e) => e.name)).toEqual([
      "PROMETHEUS_BEARER_TOKEN",
      "PROMETHEUS_USERNAME",
      "PROMETHEUS_PASSWORD",
    ]);
    // What the chart renders is what the app accepts.
    expect(prometheusOptionsFromEnv(parseEnv(values))).toMatchObject({
      url: values.PROMETHEUS_URL,
      limits: { timeoutSeconds: 5 },
    });
    const policy = ofKind<Policy>(objects, "NetworkPolicy").find((p) => p.metadata.name.endsWith("-worker"));
    const rule = policy?.spec.egress.find((r) => r.ports.some((p) => p.port === 9090));
    expect(rule?.to).toEqual(MONITORING);
    // Only the workers read Prometheus.
    expect(egressPorts(objects, "serve")).not.toContain(9090);
    expect(egressPorts(objects, "executor")).not.toContain(9090);
  });

  it("the schema rejects a URL that is not http(s) and a timeout over 30 s", async () => {
    await expect(renderChart({ ...BASE, prometheus: { url: "prometheus:9090" } })).rejects.toThrow(/url/);
    await expect(
      renderChart({ ...BASE, prometheus: { url: "http://p:9090", timeoutSeconds: 60 } }),
    ).rejects.toThrow(/timeoutSeconds/);
  });
});
