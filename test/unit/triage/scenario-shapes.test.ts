import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { aTeamMissingPvc } from "../../fixtures/triage/a-team-missing-pvc.js";
import { prodApiOutage } from "../../fixtures/triage/prod-api-outage.js";
import { evidenceHas, expectValidProposals } from "./helpers.js";

describe("prod-api-outage (fixture shape of the built-in scenario)", () => {
  const result = triage(prodApiOutage());
  const byName = (name: string) => result.rootCauses.filter((c) => c.resource.name === name);

  it("five root causes, one per broken Deployment, with the right categories", () => {
    expect(result.rootCauses.map((c) => `${c.category}:${c.resource.name}`).sort()).toEqual([
      "crash-loop:api-gateway",
      "image-pull:payment-service",
      "init-container-failure:auth-service",
      "missing-secret:user-service",
      "oom-killed:analytics-service",
    ]);
  });

  it("quotes each cause's evidence verbatim", () => {
    const [pull] = byName("payment-service");
    expect(pull?.summary).toContain("company-registry.io");
    expect(evidenceHas(pull!, "lookup company-registry.io on 10.96.0.10:53: no such host")).toBe(true);
    const [init] = byName("auth-service");
    expect(evidenceHas(init!, "ERROR: Connection refused - database unreachable")).toBe(true);
    const [crash] = byName("api-gateway");
    expect(crash?.summary).toContain("exit 137");
    expect(crash?.summary).toContain("not OOMKilled");
    const [secret] = byName("user-service");
    expect(secret?.summary).toContain("db-credentials");
    const [oom] = byName("analytics-service");
    expect(oom?.summary).toContain("128Mi");
  });

  it("notification-service healthy, single-namespace, control plane healthy, P1 headline", () => {
    expect(result.healthy).toEqual([
      { kind: "Deployment", namespace: "prod-api", name: "notification-service" },
    ]);
    expect(result.blastRadius).toBe("single-namespace");
    expect(result.controlPlane).toEqual({ status: "healthy" });
    expect(result.severity).toBe("P1");
    expect(result.headline).toBe("5 root causes in prod-api: 5 of 6 deployments unavailable");
  });

  it("proposes a rollback and a memory raise, never a secret value, all valid catalog actions", () => {
    expect(result.remediations.map((r) => r.id).sort()).toEqual([
      "rollback:prod-api/payment-service",
      "set-resources:prod-api/analytics-service",
    ]);
    expect(result.remediations.find((r) => r.action === "rollback")?.params).toEqual({ toRevision: 3 });
    expectValidProposals(result);
  });
});

describe("a-team-missing-pvc (fixture shape of the built-in scenario)", () => {
  const result = triage(aTeamMissingPvc());

  it("missing-pvc for postgres-db naming postgres-pvc, with a create-pvc using StorageClass standard", () => {
    expect(result.rootCauses.map((c) => c.id)).toEqual(["missing-pvc:Deployment/a-team/postgres-db"]);
    expect(result.rootCauses[0]?.summary).toContain("postgres-pvc");
    expect(result.remediations).toHaveLength(1);
    expect(result.remediations[0]).toMatchObject({
      action: "create-pvc",
      target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
      params: { storageClassName: "standard", size: "10Gi", accessModes: ["ReadWriteOnce"] },
      risk: "low",
    });
    expect(result.blastRadius).toBe("single-workload");
    expect(result.healthy.map((r) => r.name)).toEqual(["a-team-web"]);
    expectValidProposals(result);
  });
});
