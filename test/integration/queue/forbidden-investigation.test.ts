import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { rcaFromTriage } from "../../../src/agent/fallback.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { triage } from "../../../src/triage/index.js";
import { type Harness, jobFinished, settled, startHarness } from "../../support/queue-harness.js";
import { trigger } from "../../support/queue-helpers.js";
import { NO_NETPOL_IDENTITY, shopState } from "../k8s/fixture.js";

let sim: SimCluster;
let h: Harness | undefined;
let reader: KubeClusterReader | undefined;

beforeAll(async () => {
  sim = await startSimCluster({
    state: shopState(),
    identities: [
      // A reader whose RBAC binding is missing: every request is refused with 403.
      { name: "nobody", token: "nobody-token", rules: [] },
      NO_NETPOL_IDENTITY,
    ],
  });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(async () => {
  reader?.close();
  await h?.close();
});

async function investigateAs(identity: string) {
  reader = createClusterReader(sim.kubeConfig(identity));
  const cluster = reader;
  h = await startHarness(inject("redisUrl"), {
    collect: (t, signal) => collectSnapshot(cluster, { namespace: t.namespace }, { signal }),
    triage: (snapshot, { namespace }) => triage(snapshot, { namespace }),
    analyze: async ({ triage: result }) => rcaFromTriage(result, "no model in this test"),
  });
  const { investigation } = await h.producer.submitTrigger(trigger("shop"));
  return { id: investigation.id, harness: h };
}

describe("an investigation whose every read is forbidden", () => {
  it("fails as a failure to investigate, naming the missing permissions, and posts no green summary", async () => {
    const { id, harness } = await investigateAs("nobody");
    const failed = await settled(harness, id, ["failed", "completed", "proposed"]);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(
      /^could not investigate shop: the bot's Kubernetes identity was refused \(403\)/,
    );
    // Two groups in either order: the namespaced reads ("… in shop") and the cluster-wide ones.
    const groups = [...(failed.error ?? "").matchAll(/list ([^;.]*)/g)].map((match) => match[1] ?? "");
    const inShop = groups.find((group) => group.endsWith(" in shop"))?.replace(/ in shop$/, "");
    const clusterWide = groups.find((group) => !group.endsWith(" in shop"));
    expect(inShop?.split(", ")).toEqual(expect.arrayContaining(["pods", "events", "deployments"]));
    expect(clusterWide?.split(", ")).toEqual(expect.arrayContaining(["nodes", "namespaces"]));
    expect(failed.rca).toBeUndefined();
    await jobFinished(harness, id);
    expect(harness.posts).toContain(`${id} failed`);
    expect(harness.posts).not.toContain(`${id} triage`);
    expect(harness.posts).not.toContain(`${id} rca`);
  });

  it("a partial view (one kind forbidden) is still investigated and completes", async () => {
    const { id, harness } = await investigateAs("no-netpol");
    const done = await settled(harness, id, ["failed", "completed", "proposed"]);
    expect(done.status).not.toBe("failed");
    expect(done.triage?.gaps.map((gap) => gap.resource)).toEqual(["networkpolicies"]);
  });
});
