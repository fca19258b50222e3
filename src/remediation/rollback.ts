import type { Policy } from "../config/policy.js";
import type { RemediationAction, RemediationProposal } from "../domain/actions.js";
import type { ExecutionOutcome } from "../domain/investigation.js";
import type { KubeObject } from "../domain/kube.js";
import { errorMessage } from "../errors.js";
import { proposalFromAction } from "./catalog.js";
import type { ExecutionContext, Executor } from "./executor.js";
import { gateProposal } from "./gate.js";
import { containerPath, jsonEqual, readPath } from "./paths.js";
import { revisionOf } from "./revisions.js";
import { CREATED_BY_ANNOTATION } from "./targets.js";

/**
 * Undoing a change whose validation failed. The undo is itself a catalog action (a Deployment
 * goes back to the revision it ran before; other workloads get the inverse set-resources, set-image
 * or scale), so it
 * passes the same gate, drift check and dry run as any change, and can be offered for approval
 * when rollback is not automatic. A PVC the bot created is deleted only when still unused.
 */

/** What undoing a change takes. */
export type RollbackPlan =
  | { kind: "proposal"; proposal: RemediationProposal }
  | { kind: "delete-claim"; namespace: string; name: string; uid: string }
  | { kind: "none"; reason: string };

/** What planning an undo needs: the change, its recorded outcome, and the target now. */
export interface RollbackInput {
  /** The change that was applied. */
  proposal: RemediationProposal;
  /** Its outcome (`before` and `after` are the redacted target before and right after). */
  outcome: ExecutionOutcome;
  /** The target as it is now (read path). */
  current: KubeObject | undefined;
  /** The namespace's ReplicaSets, for Deployment revisions. */
  replicaSets?: readonly KubeObject[];
}

const asObject = (value: unknown): KubeObject | undefined =>
  typeof value === "object" && value !== null && "metadata" in value ? (value as KubeObject) : undefined;

/** Fields the change set, with the values it set them to (to see if someone changed them since). */
function appliedFields(action: RemediationAction): Record<string, unknown> {
  switch (action.action) {
    case "set-resources": {
      const out: Record<string, unknown> = {};
      for (const section of ["requests", "limits"] as const) {
        for (const resource of ["memory", "cpu"] as const) {
          const value = action.params[section]?.[resource];
          if (value !== undefined)
            out[containerPath(action.params.container, `resources.${section}.${resource}`)] = value;
        }
      }
      return out;
    }
    case "set-image":
      return { [containerPath(action.params.container, "image")]: action.params.image };
    case "patch-workload":
      return { [containerPath(action.params.container, action.params.field)]: action.params.value };
    case "scale":
      return { "spec.replicas": action.params.replicas };
    default:
      return {};
  }
}

/** The inverse catalog action from the recorded `before`, or why there is none. */
function inverse(action: RemediationAction, before: KubeObject): RemediationAction | string {
  const unset = (path: string) => `the field ${path} was unset before, which the catalog cannot restore`;
  switch (action.action) {
    case "set-resources": {
      const restore: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
      for (const section of ["requests", "limits"] as const) {
        for (const resource of ["memory", "cpu"] as const) {
          if (action.params[section]?.[resource] === undefined) continue;
          const path = containerPath(action.params.container, `resources.${section}.${resource}`);
          const old = readPath(before, path);
          if (typeof old !== "string") return unset(path);
          restore[section] = { ...restore[section], [resource]: old };
        }
      }
      return { ...action, params: { container: action.params.container, ...restore } };
    }
    case "set-image": {
      const old = readPath(before, containerPath(action.params.container, "image"));
      return typeof old === "string"
        ? { ...action, params: { ...action.params, image: old } }
        : unset("image");
    }
    case "patch-workload": {
      const path = containerPath(action.params.container, action.params.field);
      const old = readPath(before, path);
      return typeof old === "number" ? { ...action, params: { ...action.params, value: old } } : unset(path);
    }
    case "scale": {
      const old = readPath(before, "spec.replicas");
      return typeof old === "number" ? { ...action, params: { replicas: old } } : unset("spec.replicas");
    }
    case "rollout-restart":
      return "a restart cannot be undone (the pods were replaced); nothing to roll back";
    case "rollback":
      return "the Deployment has no recorded revision to return to";
    case "delete-pod":
      return "a deleted pod is recreated by its controller; nothing to restore";
    case "create-pvc":
      return "unreachable";
  }
}

/** How to undo `input.proposal`, given what was recorded and what is there now. */
export function planRollback(input: RollbackInput): RollbackPlan {
  const { proposal, outcome, current } = input;
  const action: RemediationAction = {
    action: proposal.action,
    target: proposal.target,
    params: proposal.params,
  } as RemediationAction;
  const before = asObject(outcome.before);
  const after = asObject(outcome.after);
  if (action.action === "create-pvc") {
    const uid = after?.metadata.uid;
    if (!uid || after?.metadata.annotations?.[CREATED_BY_ANNOTATION] === undefined) {
      return { kind: "none", reason: "no record that the bot created this claim" };
    }
    return { kind: "delete-claim", namespace: action.target.namespace, name: action.target.name, uid };
  }
  if (!before) return { kind: "none", reason: "the state before the change was not recorded" };
  if (!current)
    return {
      kind: "none",
      reason: `${action.target.kind} ${action.target.namespace}/${action.target.name} no longer exists`,
    };
  if (after?.metadata.uid !== undefined && current.metadata.uid !== after.metadata.uid) {
    return { kind: "none", reason: "the target was replaced since the change; not touching it" };
  }
  for (const [path, value] of Object.entries(appliedFields(action))) {
    if (!jsonEqual(readPath(current, path), value)) {
      return { kind: "none", reason: `${path} was changed by someone else since; not overwriting it` };
    }
  }
  const revision = revisionOf(before);
  const undo: RemediationAction | string =
    action.target.kind === "Deployment" && action.action !== "scale" && revision !== undefined
      ? {
          action: "rollback",
          target: { ...action.target, kind: "Deployment" },
          params: { toRevision: revision },
        }
      : inverse(action, before);
  if (typeof undo === "string") return { kind: "none", reason: undo };
  try {
    const rollback = proposalFromAction(undo, current, proposal.rootCauseId, {
      ...(input.replicaSets ? { replicaSets: input.replicaSets } : {}),
    });
    return {
      kind: "proposal",
      proposal: {
        ...rollback,
        id: `undo:${proposal.id}`,
        summary: `Undo ${proposal.id}: ${rollback.summary}`,
      },
    };
  } catch (error) {
    return { kind: "none", reason: `cannot build the undo: ${errorMessage(error)}` };
  }
}

/** What was done about a failed validation. */
export type RollbackReport = NonNullable<ExecutionOutcome["rollback"]>;

/**
 * Carries out a plan: automatically when `policy.remediation.autoRollback` is on (through the
 * gate and the executor, like any change), else returns the undo as a proposal for approval.
 * A claim deletion without autoRollback is left to a human, with the command to run.
 */
export async function performRollback(
  plan: RollbackPlan,
  options: {
    policy: Policy;
    executor: Executor;
    ctx: ExecutionContext;
    proposalId: string;
    automatic: boolean;
  },
): Promise<RollbackReport> {
  if (plan.kind === "none") return { status: "manual", message: `no automatic rollback: ${plan.reason}` };
  if (plan.kind === "delete-claim") {
    const what = `PersistentVolumeClaim ${plan.namespace}/${plan.name}`;
    if (!options.automatic) {
      return {
        status: "manual",
        message: `the bot created ${what}; if it is not wanted, delete it once unused: kubectl -n ${plan.namespace} delete pvc ${plan.name}`,
      };
    }
    const result = await options.executor.removeCreatedClaim(
      { namespace: plan.namespace, name: plan.name, uid: plan.uid },
      { ...options.ctx, proposalId: options.proposalId },
    );
    return { status: result.status === "succeeded" ? "succeeded" : result.status, message: result.message };
  }
  const gate = gateProposal(plan.proposal, options.policy, {
    investigatedNamespace: plan.proposal.target.namespace,
    mode: options.ctx.mode,
  });
  if (!gate.allow) {
    return {
      status: "refused",
      message: `rollback ${plan.proposal.id} refused by policy: ${gate.reason}`,
      proposal: plan.proposal,
    };
  }
  if (!options.automatic) {
    return {
      status: "proposed",
      message: `rollback needs approval: ${plan.proposal.summary} (${plan.proposal.change})`,
      proposal: plan.proposal,
    };
  }
  const result = await options.executor.execute(plan.proposal, options.ctx);
  return {
    status: result.status === "succeeded" ? "succeeded" : result.status,
    message: `${plan.proposal.summary}: ${result.message}`,
    proposal: plan.proposal,
  };
}
