import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { KubeObject } from "../../../src/domain/kube.js";
import type { Snapshot } from "../../../src/domain/types.js";
import { snapshotFromState } from "../../../src/k8s/from-file.js";
import { parseStateFile } from "../../../src/sim/state-file.js";
import { triage } from "../../../src/triage/index.js";
import { prodApiOutage } from "../../fixtures/triage/prod-api-outage.js";

/** A snapshot written back as a cluster-state file (objects, logs, clock, readyz). */
function toStateFile(snapshot: Snapshot): string {
  const kinds: [keyof Snapshot, string, string][] = [
    ["namespaces", "v1", "Namespace"],
    ["nodes", "v1", "Node"],
    ["deployments", "apps/v1", "Deployment"],
    ["replicaSets", "apps/v1", "ReplicaSet"],
    ["pods", "v1", "Pod"],
    ["services", "v1", "Service"],
    ["events", "v1", "Event"],
  ];
  const docs: unknown[] = [
    { apiVersion: "triage.sim/v1alpha1", kind: "Clock", now: snapshot.collectedAt },
    { apiVersion: "triage.sim/v1alpha1", kind: "APIServerHealth", readyz: snapshot.readyz },
  ];
  for (const [key, apiVersion, kind] of kinds) {
    for (const object of snapshot[key] as KubeObject[]) docs.push({ ...object, apiVersion, kind });
  }
  for (const log of snapshot.logs) {
    docs.push({
      apiVersion: "triage.sim/v1alpha1",
      kind: "PodLog",
      metadata: { namespace: log.namespace, name: log.pod },
      container: log.container,
      previous: log.previous,
      text: log.text,
    });
  }
  return docs.map((doc) => stringify(doc)).join("---\n");
}

describe("triage through the real collection path (state file -> simulated API server -> collector)", () => {
  it("finds the same five root causes in prod-api as from the in-memory snapshot", async () => {
    const direct = triage(prodApiOutage());
    const state = parseStateFile(toStateFile(prodApiOutage()), "prod-api-outage fixture");
    const collected = await snapshotFromState(state, { namespace: "prod-api" });
    const result = triage(collected);
    expect(result.rootCauses.map((c) => c.id).sort()).toEqual(direct.rootCauses.map((c) => c.id).sort());
    expect(result.rootCauses.map((c) => c.category).sort()).toEqual([
      "crash-loop",
      "image-pull",
      "init-container-failure",
      "missing-secret",
      "oom-killed",
    ]);
    expect(result.healthy.map((r) => r.name)).toEqual(["notification-service"]);
    expect(result.blastRadius).toBe("single-namespace");
    expect(result.controlPlane.status).toBe("healthy");
    const init = result.rootCauses.find((c) => c.category === "init-container-failure");
    expect(init?.evidence.some((e) => e.includes("ERROR: Connection refused - database unreachable"))).toBe(
      true,
    );
    expect(result.remediations.map((r) => r.id).sort()).toEqual([
      "rollback:prod-api/payment-service",
      "set-resources:prod-api/analytics-service",
    ]);
  });
});
