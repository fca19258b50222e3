import type { Preconditions, RemediationAction, RemediationProposal } from "../domain/actions.js";
import type { KubeObject, Workload } from "../domain/kube.js";

/**
 * Turns a parsed catalog action into a proposal: risk by rule (never by the model), a summary and
 * the exact change, and the preconditions the executor re-checks. Kept pure and local so the agent
 * does not depend on the remediation package's internals; the rules are deliberately conservative.
 */

/** Risk by rule: anything that removes capacity or changes code is riskier than a restart. */
export function riskOf(action: RemediationAction): RemediationProposal["risk"] {
  switch (action.action) {
    case "create-pvc":
    case "rollout-restart":
    case "delete-pod":
    case "patch-workload":
      return "low";
    case "set-resources":
    case "rollback":
      return "medium";
    case "scale":
      return action.params.replicas === 0 ? "high" : "medium";
    case "set-image":
      return "high";
  }
}

/** Stable id: the same action on the same target is the same proposal, whoever suggested it. */
export function proposalId(action: RemediationAction): string {
  return `${action.action}:${action.target.namespace}/${action.target.name}`;
}

function container(current: KubeObject | undefined, name: string) {
  return (current as Workload | undefined)?.spec?.template?.spec?.containers?.find((c) => c.name === name);
}

function describeChange(action: RemediationAction, current: KubeObject | undefined): string {
  const t = `${action.target.kind} ${action.target.namespace}/${action.target.name}`;
  switch (action.action) {
    case "create-pvc":
      return `create ${t}: storageClassName=${action.params.storageClassName} size=${action.params.size} accessModes=${action.params.accessModes.join(",")}`;
    case "set-resources": {
      const before = container(current, action.params.container)?.resources;
      const parts: string[] = [];
      for (const side of ["requests", "limits"] as const) {
        for (const [res, value] of Object.entries(action.params[side] ?? {})) {
          if (value === undefined) continue;
          parts.push(
            `containers[${action.params.container}].resources.${side}.${res}: ${before?.[side]?.[res] ?? "<unset>"} -> ${value}`,
          );
        }
      }
      return `${t}: ${parts.join("; ") || "no change"}`;
    }
    case "set-image":
      return `${t}: containers[${action.params.container}].image: ${container(current, action.params.container)?.image ?? "<unknown>"} -> ${action.params.image}`;
    case "rollback":
      return `${t}: roll back to revision ${action.params.toRevision}`;
    case "rollout-restart":
      return `${t}: restart all pods (rolling)`;
    case "scale":
      return `${t}: replicas ${(current as Workload | undefined)?.spec?.replicas ?? "<unknown>"} -> ${action.params.replicas}`;
    case "delete-pod":
      return `delete ${t} (its controller recreates it)`;
    case "patch-workload": {
      const [probe, field] = action.params.field.split(".") as [string, string];
      const probeValue = container(current, action.params.container)?.[probe] as
        | Record<string, unknown>
        | undefined;
      return `${t}: containers[${action.params.container}].${action.params.field}: ${String(probeValue?.[field] ?? "<unset>")} -> ${action.params.value}`;
    }
  }
}

/** Builds the proposal for a catalog action against the target as it is now. */
export function buildProposal(
  action: RemediationAction,
  current: KubeObject | undefined,
  rootCauseId: string,
  summary?: string,
): RemediationProposal {
  const preconditions: Preconditions =
    action.action === "create-pvc"
      ? { mustNotExist: true }
      : current?.metadata.resourceVersion
        ? { resourceVersion: current.metadata.resourceVersion }
        : {};
  const change = describeChange(action, current);
  return {
    ...action,
    id: proposalId(action),
    rootCauseId,
    risk: riskOf(action),
    summary: summary?.trim() ? summary.trim().slice(0, 300) : change,
    change,
    preconditions,
  };
}
