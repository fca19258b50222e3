import type { Policy } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { ExecutionOutcome, ValidationOutcome } from "../domain/investigation.js";
import type { KubeObject } from "../domain/kube.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import { log } from "../log.js";
import { type AuditSink, type Clock, clockIso, type RemediationAuditEntry, systemClock } from "./audit.js";
import type { Executor } from "./executor.js";
import { gateProposal } from "./gate.js";
import { performRollback, planRollback } from "./rollback.js";
import { targetKind, targetLabel } from "./targets.js";
import { type ModelValidator, validateRemediation } from "./validator.js";

/**
 * One remediation end to end, as the remediate worker runs it: gate, execute (drift check, dry
 * run, apply), validate against explicit criteria, and on failure roll back as the policy says.
 */

export interface RunRemediationOptions {
  proposal: RemediationProposal;
  /** Slack user id of the approver, or "automatic". */
  actor: string;
  mode: "manual" | "automatic";
  executor: Executor;
  /** Read path for validation (never the executor's identity). */
  reader: ClusterReader;
  policy: Policy;
  /** The investigated namespace (defaults to the proposal's; the gate requires they match). */
  investigatedNamespace?: string;
  /** Optional model validation after the explicit criteria. */
  validate?: ModelValidator;
  audit?: AuditSink;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Settle window of validation (default policy.remediation.settleSeconds). */
  settleMs?: number;
  /** Told how long execution and validation took (wall-clock seconds), for the phase metrics. */
  observePhase?: (phase: "execute" | "validate", seconds: number) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const asObject = (value: unknown): KubeObject | undefined =>
  typeof value === "object" && value !== null && "metadata" in value ? (value as KubeObject) : undefined;

/** Runs a proposal through gate → execute → validate → rollback; never throws for expected failures. */
export async function runRemediation(options: RunRemediationOptions): Promise<ExecutionOutcome> {
  const { proposal, actor, mode, executor, reader, policy } = options;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const label = targetLabel(proposal);
  const audit = async (
    entry: Omit<RemediationAuditEntry, "at" | "proposalId" | "actor" | "mode" | "target">,
  ) => {
    try {
      await options.audit?.({
        at: clockIso(clock),
        proposalId: proposal.id,
        actor,
        mode,
        target: label,
        ...entry,
      });
    } catch (error) {
      log.error("audit write failed", { error, proposalId: proposal.id });
    }
  };

  const gate = gateProposal(proposal, policy, {
    investigatedNamespace: options.investigatedNamespace ?? proposal.target.namespace,
    mode,
  });
  if (!gate.allow) {
    await audit({ type: "remediation.refused", message: gate.reason, code: "POLICY" });
    return { status: "refused", message: gate.reason, code: "POLICY" };
  }

  const executeStarted = performance.now();
  const outcome = await executor.execute(proposal, { actor, mode });
  const validateStarted = performance.now();
  options.observePhase?.("execute", (validateStarted - executeStarted) / 1000);
  if (outcome.status !== "succeeded") return outcome;

  let validation: ValidationOutcome;
  try {
    validation = await validateRemediation({
      proposal,
      reader,
      timeoutMs: policy.remediation.validationTimeoutSeconds * 1000,
      settleMs: options.settleMs ?? policy.remediation.settleSeconds * 1000,
      clock,
      sleep,
      ...(asObject(outcome.before) ? { before: asObject(outcome.before) } : {}),
      ...(options.validate ? { validateWithModel: options.validate } : {}),
    });
    options.observePhase?.("validate", (performance.now() - validateStarted) / 1000);
  } catch (error) {
    // The change is in; not knowing whether it worked is no reason to undo it automatically.
    const message = `validation could not run: ${errorMessage(error)}`;
    await audit({ type: "remediation.failed", message });
    return {
      ...outcome,
      validation: { verdict: "not-resolved", evidence: [message], checkedAt: clockIso(clock) },
      rollback: { status: "manual", message: "not rolled back: the result is unknown, check it by hand" },
    };
  }
  const validated: ExecutionOutcome = { ...outcome, validation };
  await audit({
    type: "remediation.validated",
    message: `${validation.verdict}: ${validation.evidence.join(" | ")}`,
  });
  if (validation.verdict === "resolved") return validated;

  try {
    const current = await reader.get(
      targetKind(proposal.target.kind).plural,
      proposal.target.name,
      proposal.target.namespace,
    );
    const replicaSets =
      proposal.target.kind === "Deployment"
        ? await reader.list("replicasets", { namespace: proposal.target.namespace })
        : undefined;
    const plan = planRollback({ proposal, outcome, current, ...(replicaSets ? { replicaSets } : {}) });
    // A partial improvement is not undone on its own: a human decides whether to keep it.
    const automatic = policy.remediation.autoRollback && validation.verdict === "not-resolved";
    const rollback = await performRollback(plan, {
      policy,
      executor,
      ctx: { actor: `${actor} (rollback)`, mode },
      proposalId: `undo:${proposal.id}`,
      automatic,
    });
    await audit({
      type: rollback.status === "proposed" ? "remediation.rollback-proposed" : "remediation.rolled-back",
      message: `${rollback.status}: ${rollback.message}`,
    });
    return { ...validated, rollback, rolledBack: rollback.status === "succeeded" };
  } catch (error) {
    const message = `rollback failed: ${errorMessage(error)}`;
    await audit({ type: "remediation.failed", message });
    return { ...validated, rollback: { status: "failed", message }, rolledBack: false };
  }
}
