import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { runRemediation } from "../../../src/remediation/run.js";
import { defaultIdentities } from "../../../src/sim/identities.js";
import { type Harness, startHarness, writes } from "./fixture.js";
import { REMEDIATION_STATE } from "./state.js";

/**
 * Undoing a created claim that did not help, with an executor identity that may delete claims
 * (the Helm chart grants it only when PVC undo is wanted; the default sim executor cannot).
 */
const base = defaultIdentities().executor;
const executorWithPvcDelete = {
  ...base,
  name: "executor-pvc",
  token: "sim-executor-pvc-token",
  rules: [...base.rules, { verbs: ["delete"], apiGroups: [""], resources: ["persistentvolumeclaims"] }],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    state: REMEDIATION_STATE,
    identities: [executorWithPvcDelete],
    executorIdentity: "executor-pvc",
  });
});
afterAll(async () => {
  await h.close();
});

describe("undo of a created PVC", () => {
  it("deletes a claim it created that nothing mounts, after its own dry run", async () => {
    const proposal = proposalFromAction(
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "shop", name: "spare-data" },
        params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      undefined,
      "missing-pvc:Deployment/shop/none",
    );
    h.sim.clearRequests();
    const outcome = await runRemediation({
      proposal,
      actor: "U0ALICE",
      mode: "manual",
      executor: h.executor,
      reader: h.reader,
      policy: parsePolicy("remediation: {autoRollback: true, validationTimeoutSeconds: 60}"),
      clock: h.clock,
      sleep: h.sleep,
    });
    // It binds, but nothing that mounts it runs: partial progress, so the undo is left to a human.
    expect(outcome.validation?.verdict).toBe("partially-resolved");
    expect(outcome.rollback?.status).toBe("manual");
    const uid = (outcome.after as { metadata: { uid: string } }).metadata.uid;
    h.sim.clearRequests();
    const removal = await h.executor.removeCreatedClaim(
      { namespace: "shop", name: "spare-data", uid },
      { actor: "U0ALICE", mode: "manual", proposalId: `undo:${proposal.id}` },
    );
    expect(removal.status).toBe("succeeded");
    expect(writes(h.sim.requests)).toEqual([
      "executor-pvc delete persistentvolumeclaims/spare-data dryRun 200",
      "executor-pvc delete persistentvolumeclaims/spare-data 200",
    ]);
    expect(await h.reader.get("persistentvolumeclaims", "spare-data", "shop")).toBeUndefined();
  });

  it("never deletes a claim the bot did not create", async () => {
    const admin = h.sim.kubeConfig("admin");
    const created = await admin.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
      namespace: "shop",
      body: {
        metadata: { name: "theirs" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    });
    h.sim.clearRequests();
    const removal = await h.executor.removeCreatedClaim(
      { namespace: "shop", name: "theirs", uid: created.metadata?.uid ?? "" },
      { actor: "U0ALICE", mode: "manual", proposalId: "undo:x" },
    );
    expect(removal).toMatchObject({ status: "refused", code: "NOT_OURS" });
    expect(writes(h.sim.requests)).toEqual([]);
  });
});
