import { describe, expect, it } from "vitest";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader } from "../../../src/k8s/kube-reader.js";
import { isMutating, startSimCluster } from "../../../src/sim/index.js";
import { listScenarios, scenarioPath } from "../../../src/sim/scenarios/index.js";
import { triage } from "../../../src/triage/index.js";
import { runCli } from "./run-cli.js";
import { expectATeamMissingPvc, expectProdApiOutage } from "./scenario-expectations.js";

const CASES = [
  { scenario: "prod-api-outage", namespace: "prod-api", expectations: expectProdApiOutage },
  { scenario: "a-team-missing-pvc", namespace: "a-team", expectations: expectATeamMissingPvc },
] as const;

describe.concurrent.each(CASES)("scenario $scenario", ({ scenario, namespace, expectations }) => {
  it("is a built-in scenario", () => {
    expect(listScenarios()).toContain(scenario);
  });

  it("through the CLI from the state file", async () => {
    const run = await runCli([
      "triage",
      namespace,
      "--from-file",
      scenarioPath(scenario),
      "--format",
      "json",
      "--no-llm",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expectations(JSON.parse(run.stdout) as TriageResult);
  });

  it("live through the reader identity, sending no mutating request", async () => {
    const sim = await startSimCluster({ scenario });
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      const snapshot = await collectSnapshot(reader, { namespace }, { now: sim.clock.now() });
      expectations(triage(snapshot, { namespace }));
      expect(sim.requests.length).toBe(snapshot.requestCount);
      expect(sim.requests.filter(isMutating)).toEqual([]);
      expect(sim.requests.every((request) => request.method === "GET" && request.identity === "reader")).toBe(
        true,
      );
    } finally {
      reader.close();
      await sim.close();
    }
  });
});
