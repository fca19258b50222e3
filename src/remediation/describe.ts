import type { RemediationAction } from "../domain/actions.js";
import type { KubeObject } from "../domain/kube.js";
import { pvcManifestText } from "../domain/pvc-manifest.js";
import { podTemplateDiff } from "../domain/template-diff.js";
import { containerPath, readPath } from "./paths.js";
import { ownedReplicaSets, revisionOf } from "./revisions.js";
import { RESTARTED_AT_ANNOTATION, targetLabel } from "./targets.js";

/**
 * Human-readable text for approvers: a one-line summary and the exact change, field by field with
 * old -> new values, so what is shown on the Approve button is what the executor sends.
 */

const show = (value: unknown): string =>
  value === undefined || value === null ? "unset" : typeof value === "string" ? value : JSON.stringify(value);

/** One sentence saying what the action does. */
export function describeSummary(action: RemediationAction, current: KubeObject | undefined): string {
  const label = targetLabel(action);
  switch (action.action) {
    case "create-pvc":
      return `Create the missing PersistentVolumeClaim ${action.target.namespace}/${action.target.name} (${action.params.size}, storage class ${action.params.storageClassName})`;
    case "set-resources":
      return `Change the resources of container '${action.params.container}' in ${label}`;
    case "set-image":
      return `Run image ${action.params.image} in container '${action.params.container}' of ${label}`;
    case "rollback": {
      const from = revisionOf(current);
      return `Roll ${label} back to revision ${action.params.toRevision}${from === undefined ? "" : ` (from revision ${from})`}`;
    }
    case "rollout-restart":
      return `Restart every pod of ${label} (rolling)`;
    case "scale":
      return `Scale ${label} to ${action.params.replicas} replicas`;
    case "delete-pod":
      return `Delete ${label} so its controller recreates it`;
    case "patch-workload":
      return `Set ${action.params.field} of container '${action.params.container}' in ${label} to ${action.params.value}`;
  }
}

/** The change as `field: old -> new` lines joined by "; ". */
export function describeChange(
  action: RemediationAction,
  current: KubeObject | undefined,
  replicaSets?: readonly KubeObject[],
): string {
  const field = (path: string, display: string, next: unknown) =>
    `${display}: ${show(current ? readPath(current, path) : undefined)} -> ${show(next)}`;
  switch (action.action) {
    case "create-pvc":
      return pvcManifestText(action.target, action.params);
    case "set-resources": {
      const { container, requests, limits } = action.params;
      const lines: string[] = [];
      for (const [section, values] of [
        ["requests", requests],
        ["limits", limits],
      ] as const) {
        for (const resource of ["memory", "cpu"] as const) {
          const next = values?.[resource];
          if (next === undefined) continue;
          const sub = `resources.${section}.${resource}`;
          lines.push(field(containerPath(container, sub), `containers[${container}].${sub}`, next));
        }
      }
      return lines.join("; ");
    }
    case "set-image": {
      const { container, image } = action.params;
      return field(containerPath(container, "image"), `containers[${container}].image`, image);
    }
    case "patch-workload": {
      const { container, field: name, value } = action.params;
      return field(containerPath(container, name), `containers[${container}].${name}`, value);
    }
    case "rollback":
      return rollbackChange(action.params.toRevision, current, replicaSets);
    case "rollout-restart":
      return `spec.template.metadata.annotations.${RESTARTED_AT_ANNOTATION}: ${show(
        current
          ? readPath(current, `spec.template.metadata.annotations["${RESTARTED_AT_ANNOTATION}"]`)
          : undefined,
      )} -> the time of apply`;
    case "scale":
      return field("spec.replicas", "spec.replicas", action.params.replicas);
    case "delete-pod":
      return `delete Pod ${action.target.namespace}/${action.target.name}`;
  }
}

/**
 * Every pod-template field the rollback changes (the template is replaced wholesale), one line
 * each; just the revision when the history is not at hand (the executor then refuses to apply a
 * change nobody saw, see `rollbackDiff`).
 */
function rollbackChange(
  revision: number,
  current: KubeObject | undefined,
  replicaSets: readonly KubeObject[] | undefined,
): string {
  const diff = current && replicaSets ? rollbackDiff(current, replicaSets, revision) : undefined;
  if (diff) return diff.join("\n");
  return `spec.template: revision ${show(revisionOf(current))} -> template of revision ${revision}`;
}

/** The template diff of rolling `deployment` back to `revision`, or undefined without that revision. */
export function rollbackDiff(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
  revision: number,
): string[] | undefined {
  const rs = ownedReplicaSets(deployment, replicaSets).find((item) => revisionOf(item) === revision);
  if (!rs) return undefined;
  const template = (rs.spec as { template?: unknown } | undefined)?.template;
  return podTemplateDiff((deployment.spec as { template?: unknown } | undefined)?.template, template);
}
