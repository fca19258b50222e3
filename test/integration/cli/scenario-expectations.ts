import { expect } from "vitest";
import type { RootCause, TriageResult } from "../../../src/domain/types.js";

function cause(result: TriageResult, category: string, name: string): RootCause {
  const found = result.rootCauses.find((c) => c.category === category && c.resource.name === name);
  expect(found, `${category} root cause for ${name}`).toBeDefined();
  return found as RootCause;
}

const quotes = (c: RootCause) => c.evidence.join("\n");

/** What a correct triage of `prod-api-outage` (namespace prod-api) says. */
export function expectProdApiOutage(result: TriageResult): void {
  expect(result.namespace).toBe("prod-api");
  expect(result.controlPlane.status).toBe("healthy");
  expect(result.blastRadius).toBe("single-namespace");
  expect(result.rootCauses.map((c) => `${c.category} ${c.resource.kind}/${c.resource.name}`).sort()).toEqual(
    [
      "dependency-unavailable Deployment/api-gateway",
      "image-pull Deployment/payment-service",
      "init-container-failure Deployment/auth-service",
      "missing-secret Deployment/user-service",
      "oom-killed Deployment/analytics-service",
    ].sort(),
  );

  const imagePull = cause(result, "image-pull", "payment-service");
  expect(imagePull.summary).toContain("company-registry.io");
  expect(quotes(imagePull)).toContain("lookup company-registry.io");
  expect(quotes(imagePull)).toContain("no such host");

  const init = cause(result, "init-container-failure", "auth-service");
  expect(init.summary).toContain("migrate-db");
  expect(quotes(init)).toMatch(
    /\[migrate-db, previous\]: .*ERROR: Connection refused - database unreachable/,
  );

  // The gateway's log says its upstreams are down: it is downstream of their causes, not the headline.
  const crash = cause(result, "dependency-unavailable", "api-gateway");
  expect(result.rootCauses[0]?.resource.name).not.toBe("api-gateway");
  expect(quotes(crash)).toContain("no healthy upstream");
  expect(quotes(crash)).toContain("exit code 137");
  expect(crash.summary).toContain("137");
  // Exit 137 with a failing liveness probe is a kill, not an out-of-memory.
  expect(crash.summary).not.toMatch(/\bis OOMKilled\b|out of memory/i);
  expect(
    result.rootCauses.some((c) => c.category === "oom-killed" && c.resource.name === "api-gateway"),
  ).toBe(false);

  const secret = cause(result, "missing-secret", "user-service");
  expect(secret.summary).toContain("db-credentials");
  expect(quotes(secret)).toContain('secret "db-credentials" not found');

  const oom = cause(result, "oom-killed", "analytics-service");
  expect(oom.summary).toContain("128Mi");
  expect(quotes(oom)).toContain("OOMKilled");

  expect(result.healthy).toContainEqual({
    kind: "Deployment",
    namespace: "prod-api",
    name: "notification-service",
  });
  expect(result.rootCauses.some((c) => c.resource.name === "notification-service")).toBe(false);
}

/** What a correct triage of `a-team-missing-pvc` (namespace a-team) says. */
export function expectATeamMissingPvc(result: TriageResult): void {
  expect(result.namespace).toBe("a-team");
  const pvc = result.rootCauses.find((c) => c.category === "missing-pvc");
  expect(pvc, "missing-pvc root cause").toBeDefined();
  expect(pvc?.resource.name).toBe("postgres-db");
  expect(`${pvc?.summary}\n${pvc?.evidence.join("\n")}`).toContain("postgres-pvc");
  const proposal = result.remediations.find((r) => r.action === "create-pvc");
  expect(proposal).toBeDefined();
  expect(proposal?.target).toEqual({
    kind: "PersistentVolumeClaim",
    namespace: "a-team",
    name: "postgres-pvc",
  });
  expect(proposal?.params).toEqual(expect.objectContaining({ storageClassName: "standard" }));
}
