import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runKubeTool } from "../../../src/dev/kube-tools.js";
import { CHART, ofKind, type Rendered, renderChart } from "../../support/chart.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Deployment extends Rendered {
  spec: {
    template: {
      spec: {
        containers: { name: string; env: EnvVar[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; secret?: { secretName: string } }[];
      };
    };
  };
}
interface Policy extends Rendered {
  spec: { egress: { ports: { port: number }[] }[] };
}

function workerOf(objects: Rendered[]): Deployment["spec"]["template"]["spec"] {
  const worker = ofKind<Deployment>(objects, "Deployment").find((d) => d.metadata.name.endsWith("-worker"));
  if (!worker) throw new Error("no worker Deployment");
  return worker.spec.template.spec;
}

function envOf(objects: Rendered[]): Record<string, EnvVar> {
  const container = workerOf(objects).containers[0];
  return Object.fromEntries((container?.env ?? []).map((entry) => [entry.name, entry]));
}

const SENTINEL_VALUES = {
  redis: {
    sentinels: ["redis-node-0.redis:26379", "redis-node-1.redis:26379"],
    sentinelMaster: "mymaster",
    username: "central",
    existingSecret: "redis-auth",
    sentinelPasswordKey: "sentinel-password",
    tls: { enabled: true, existingSecret: "redis-ca" },
  },
};

describe("the chart's Redis values", () => {
  it("passes helm lint --strict with Sentinel, ACL user and TLS values", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chart-redis-lint-"));
    try {
      const file = join(dir, "values.json");
      await writeFile(file, JSON.stringify(SENTINEL_VALUES));
      expect(await runKubeTool("helm", ["lint", "--strict", CHART, "-f", file])).toContain(
        "0 chart(s) failed",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("points every role at a Sentinel group with an ACL user, a password Secret and a TLS CA", async () => {
    const objects = await renderChart(SENTINEL_VALUES);
    const env = envOf(objects);
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.REDIS_SENTINELS?.value).toBe("redis-node-0.redis:26379,redis-node-1.redis:26379");
    expect(env.REDIS_SENTINEL_MASTER?.value).toBe("mymaster");
    expect(env.REDIS_USERNAME?.value).toBe("central");
    expect(env.REDIS_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
      name: "redis-auth",
      key: "redis-password",
    });
    expect(env.REDIS_SENTINEL_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
      name: "redis-auth",
      key: "sentinel-password",
    });
    expect(env.REDIS_TLS?.value).toBe("true");
    expect(env.REDIS_TLS_CA_FILE?.value).toBe("/etc/k8s-triage-redis-tls/ca.crt");
    const pod = workerOf(objects);
    expect(pod.volumes.find((v) => v.name === "redis-tls")?.secret?.secretName).toBe("redis-ca");
    expect(pod.containers[0]?.volumeMounts.find((m) => m.name === "redis-tls")?.mountPath).toBe(
      "/etc/k8s-triage-redis-tls",
    );
    // The NetworkPolicy lets the roles reach the Sentinels' port as well as the data port.
    const policy = ofKind<Policy>(objects, "NetworkPolicy").find((p) => p.metadata.name.endsWith("-worker"));
    const ports = policy?.spec.egress.flatMap((rule) => rule.ports.map((p) => p.port)) ?? [];
    expect(ports).toEqual(expect.arrayContaining([6379, 26379]));
  });

  it("lists Cluster seed nodes, and keeps a plain redis.url as it was", async () => {
    const cluster = envOf(
      await renderChart({ redis: { cluster: { nodes: ["redis-0:6379", "redis-1:7000"] } } }),
    );
    expect(cluster.REDIS_CLUSTER_NODES?.value).toBe("redis-0:6379,redis-1:7000");
    expect(cluster.REDIS_URL).toBeUndefined();
    const plain = envOf(await renderChart({ redis: { url: "redis://redis:6379" } }));
    expect(plain.REDIS_URL?.value).toBe("redis://redis:6379");
    expect(Object.keys(plain).filter((name) => name.startsWith("REDIS_"))).toEqual(["REDIS_URL"]);
  });

  it("refuses Sentinels without a master name, and Sentinel with Cluster", async () => {
    await expect(renderChart({ redis: { sentinels: ["s:26379"] } })).rejects.toThrow(/redis\.sentinelMaster/);
    await expect(
      renderChart({ redis: { sentinels: ["s:26379"], sentinelMaster: "m", cluster: { nodes: ["n:6379"] } } }),
    ).rejects.toThrow(/either a Sentinel group or a Cluster/);
    await expect(renderChart({ redis: { sentinels: ["no-port"], sentinelMaster: "m" } })).rejects.toThrow();
  });
});
