import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeTool } from "../../../src/dev/kube-tools.js";
import { type Identity, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { rulesForServiceAccount } from "../../../src/sim/rbac.js";
import { renderChart } from "../../support/chart.js";

const run = promisify(execFile);

/**
 * Real kubectl (from the same dev dependency as Helm) asks the simulated API server what the
 * chart's rendered RBAC lets each ServiceAccount do (SelfSubjectAccessReview over TLS).
 */
let sim: SimCluster;
let dir: string;
const kubeconfigs = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rbac-kubectl-"));
  const objects = await renderChart(
    { redis: { url: "redis://redis:6379" }, policy: { content: "namespaces: [a-team, prod-api]\n" } },
    { namespace: "triage" },
  );
  const identities: Identity[] = objects
    .filter((object) => object.kind === "ServiceAccount")
    .map((account) => ({
      name: `system:serviceaccount:triage:${account.metadata.name}`,
      token: `sa-${randomBytes(8).toString("hex")}`,
      rules: [],
      rbac: rulesForServiceAccount(objects, { namespace: "triage", name: account.metadata.name }),
    }));
  sim = await startSimCluster({ scenario: "a-team-missing-pvc", tls: true, identities });
  for (const identity of identities) {
    const path = join(dir, `${identity.name.split(":").pop()}.kubeconfig`);
    await sim.writeKubeconfig(path, identity.name);
    kubeconfigs.set(identity.name.split(":").pop() as string, path);
  }
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function canI(account: string, args: string[]): Promise<string> {
  const kubectl = await kubeTool("kubectl");
  try {
    const { stdout } = await run(kubectl, [
      "--kubeconfig",
      kubeconfigs.get(account) as string,
      "auth",
      "can-i",
      ...args,
    ]);
    return stdout.trim();
  } catch (error) {
    return ((error as { stdout?: string }).stdout ?? "").trim() || String(error);
  }
}

describe("kubectl auth can-i under the chart's rendered RBAC", () => {
  it("the reader reads but never writes or reads Secrets; the writer writes only in the policy's namespaces", async () => {
    const reader = "triage-k8s-triage-bot-reader";
    const writer = "triage-k8s-triage-bot-executor";
    expect(await canI(reader, ["list", "pods", "-A"])).toBe("yes");
    expect(await canI(reader, ["watch", "events", "-A"])).toBe("yes");
    expect(await canI(reader, ["watch", "pods", "-A"])).toBe("no");
    expect(await canI(reader, ["create", "persistentvolumeclaims", "-n", "a-team"])).toBe("no");
    expect(await canI(reader, ["get", "secrets", "-n", "a-team"])).toBe("no");
    expect(await canI(writer, ["create", "persistentvolumeclaims", "-n", "a-team"])).toBe("yes");
    expect(await canI(writer, ["create", "persistentvolumeclaims", "-n", "kube-system"])).toBe("no");
    expect(await canI(writer, ["patch", "deployments.apps", "--subresource=scale", "-n", "prod-api"])).toBe(
      "yes",
    );
    expect(await canI(writer, ["delete", "secrets", "-n", "a-team"])).toBe("no");
    expect(await canI("triage-k8s-triage-bot-serve", ["list", "pods", "-n", "a-team"])).toBe("no");
  });
});
