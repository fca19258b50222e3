import { expect, it } from "vitest";
import { runCli } from "./run-cli.js";

it("k8s-triage demo triages both built-in scenarios read-only and exits 0", async () => {
  const run = await runCli(["demo"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("=== scenario prod-api-outage");
  expect(run.stdout).toContain("5 root causes in prod-api");
  expect(run.stdout).toContain("[image-pull] Deployment prod-api/payment-service");
  expect(run.stdout).toContain("=== scenario a-team-missing-pvc");
  expect(run.stdout).toContain("[missing-pvc] Deployment a-team/postgres-db");
  expect(run.stdout).toContain("create-pvc PersistentVolumeClaim a-team/postgres-pvc");
  expect(run.stdout.match(/requests from reader: all reads\./g)).toHaveLength(2);
});
