import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { ExecutionOutcome } from "../../../src/domain/investigation.js";
import type { ClusterReader } from "../../../src/k8s/reader.js";
import type { RemediationAuditEntry } from "../../../src/remediation/audit.js";
import type { Executor } from "../../../src/remediation/executor.js";
import { runRemediation } from "../../../src/remediation/run.js";

/** runRemediation's orchestration over stand-ins of its injected parts (the real ones run in integration). */
const proposal: RemediationProposal = {
  action: "scale",
  target: { kind: "Deployment", namespace: "shop", name: "web" },
  params: { replicas: 3 },
  id: "scale:shop/web",
  rootCauseId: "rc",
  risk: "medium",
  summary: "s",
  change: "c",
  preconditions: { resourceVersion: "1" },
};

function executor(outcome: ExecutionOutcome): Executor & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    dryRun: async () => ({ ok: true, message: "ok" }),
    execute: async (p) => {
      calls.push(p.id);
      return outcome;
    },
    removeCreatedClaim: async () => ({ status: "refused", message: "no" }),
  };
}

const failingReader = {
  get: async () => {
    throw new Error("connection refused");
  },
  list: async () => {
    throw new Error("connection refused");
  },
} as unknown as ClusterReader;

const base = {
  actor: "U0ALICE",
  mode: "manual" as const,
  reader: failingReader,
  clock: { now: () => Date.parse("2026-11-21T09:00:00Z") },
  sleep: async () => {},
};

describe("runRemediation", () => {
  it("refuses by policy before the executor is involved, and audits it", async () => {
    const audit: RemediationAuditEntry[] = [];
    const ex = executor({ status: "succeeded", message: "applied" });
    const outcome = await runRemediation({
      ...base,
      proposal,
      executor: ex,
      policy: parsePolicy('remediation: {allowedActions: ["create-pvc"]}'),
      audit: async (entry) => {
        audit.push(entry);
      },
    });
    expect(outcome).toEqual({
      status: "refused",
      code: "POLICY",
      message: "action scale is not in remediation.allowedActions (create-pvc)",
    });
    expect(ex.calls).toEqual([]);
    expect(audit.map((entry) => [entry.type, entry.proposalId, entry.actor])).toEqual([
      ["remediation.refused", "scale:shop/web", "U0ALICE"],
    ]);
  });

  it("returns the executor's refusal as is, without validating", async () => {
    const refused: ExecutionOutcome = { status: "refused", code: "DRIFT", message: "changed" };
    const outcome = await runRemediation({
      ...base,
      proposal,
      executor: executor(refused),
      policy: parsePolicy(""),
    });
    expect(outcome).toEqual(refused);
  });

  it("does not roll back when validation cannot run (the result is unknown)", async () => {
    const outcome = await runRemediation({
      ...base,
      proposal,
      executor: executor({ status: "succeeded", message: "applied" }),
      policy: parsePolicy("remediation: {autoRollback: true}"),
    });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.validation).toEqual({
      verdict: "not-resolved",
      evidence: ["validation could not run: connection refused"],
      checkedAt: "2026-11-21T09:00:00Z",
    });
    expect(outcome.rollback).toEqual({
      status: "manual",
      message: "not rolled back: the result is unknown, check it by hand",
    });
    expect(outcome.rolledBack).toBeUndefined();
  });
});
