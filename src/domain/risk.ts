import type { RemediationAction } from "./actions.js";
import type { Risk } from "./types.js";

/**
 * Facts about the target that a catalog action alone does not carry but that change its risk.
 * Unknown facts are treated pessimistically.
 */
export interface RiskFacts {
  /** The pod is owned by a ReplicaSet or Job controller that will recreate it elsewhere. */
  podOwnedByController?: boolean;
}

/**
 * Risk of a catalog action, by rule (never by a model), so the policy gate and approvers see the
 * same answer for the same change:
 * - create-pvc: low — adds an object, changes nothing that exists.
 * - delete-pod: low when a controller recreates the pod, else high (a bare pod is gone for good).
 * - set-resources, rollback, patch-workload, rollout-restart: medium — they restart every pod.
 * - scale: medium, high when scaling to 0 (takes the workload down).
 * - set-image: high — runs code nobody has run in this workload before.
 */
export function actionRisk(action: RemediationAction, facts: RiskFacts = {}): Risk {
  switch (action.action) {
    case "create-pvc":
      return "low";
    case "delete-pod":
      return facts.podOwnedByController === true ? "low" : "high";
    case "set-resources":
    case "rollback":
    case "patch-workload":
    case "rollout-restart":
      return "medium";
    case "scale":
      return action.params.replicas === 0 ? "high" : "medium";
    case "set-image":
      return "high";
  }
}
