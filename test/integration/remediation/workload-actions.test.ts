import { AppsV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { RemediationAction } from "../../../src/domain/actions.js";
import type { Pod } from "../../../src/domain/kube.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { runRemediation } from "../../../src/remediation/run.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

/** delete-pod, rollout-restart and scale on a healthy Deployment: applied and validated. */
const policy = parsePolicy(`
namespaces: ["shop"]
remediation: {maxRisk: medium, validationTimeoutSeconds: 240}
`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ state: REMEDIATION_STATE });
  // An operator already fixed api's memory; it runs 2/2.
  await h.sim
    .kubeConfig("admin")
    .makeApiClient(AppsV1Api)
    .patchNamespacedDeployment(
      {
        name: "api",
        namespace: "shop",
        body: {
          spec: {
            template: { spec: { containers: [{ name: "app", resources: { limits: { memory: "1Gi" } } }] } },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
  for (let i = 0; i < 12; i++) h.sim.clock.advance(10_000);
});
afterAll(async () => {
  await h.close();
});

const apiPods = async () =>
  ((await h.reader.list("pods", { namespace: "shop", labelSelector: "app=api" })) as Pod[]).filter(
    (pod) => !pod.metadata.deletionTimestamp,
  );

async function apply(action: RemediationAction) {
  const plural = action.target.kind === "Pod" ? "pods" : "deployments";
  const current = await h.reader.get(plural, action.target.name, action.target.namespace);
  const proposal = proposalFromAction(action, current, "rc");
  h.sim.clearRequests();
  return runRemediation({
    proposal,
    actor: "U0ALICE",
    mode: "manual",
    executor: h.executor,
    reader: h.reader,
    policy,
    clock: h.clock,
    sleep: h.sleep,
  });
}

const api = { kind: "Deployment", namespace: "shop", name: "api" } as const;

describe("workload actions", () => {
  it("delete-pod: the controller's replacement is Ready", async () => {
    const [victim] = await apiPods();
    const outcome = await apply({
      action: "delete-pod",
      target: { kind: "Pod", namespace: "shop", name: victim?.metadata.name ?? "" },
      params: {},
    });
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      `executor delete pods/${victim?.metadata.name} dryRun 200`,
      `executor delete pods/${victim?.metadata.name} 200`,
    ]);
    const names = (await apiPods()).map((pod) => pod.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(victim?.metadata.name);
  });

  it("rollout-restart: every pod replaced, rollout complete", async () => {
    const before = (await apiPods()).map((pod) => pod.metadata.name);
    const outcome = await apply({ action: "rollout-restart", target: api, params: {} });
    expect(outcome.validation?.verdict).toBe("resolved");
    const after = (await apiPods()).map((pod) => pod.metadata.name);
    expect(after).toHaveLength(2);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
  });

  it("scale: the new replica count is available", async () => {
    const outcome = await apply({ action: "scale", target: api, params: { replicas: 3 } });
    expect(outcome.validation?.verdict).toBe("resolved");
    expect(writes(h.sim.requests)).toEqual([
      "executor patch deployments/scale/api dryRun 200",
      "executor patch deployments/scale/api 200",
    ]);
    expect(await apiPods()).toHaveLength(3);
  });
});
