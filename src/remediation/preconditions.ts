import type { Preconditions, RemediationAction } from "../domain/actions.js";
import type { KubeObject } from "../domain/kube.js";
import { containerPath, jsonEqual, readPath } from "./paths.js";
import { RESTARTED_AT_ANNOTATION, REVISION_ANNOTATION, requireTarget, targetLabel } from "./targets.js";

/**
 * What an action expects to find at apply time. Only the fields the action reads or changes are
 * checked, so an unrelated status update (which bumps resourceVersion) is not mistaken for drift,
 * while a concurrent edit of the same field, or a delete-and-recreate (new uid), is.
 */
export function preconditionsFor(action: RemediationAction, current: KubeObject | undefined): Preconditions {
  if (action.action === "create-pvc") return { mustNotExist: true };
  const target = requireTarget(action, current);
  const expected: Record<string, unknown> = { "metadata.uid": target.metadata.uid ?? null };
  const at = (path: string) => {
    expected[path] = readPath(target, path) ?? null;
  };
  switch (action.action) {
    case "set-resources": {
      const { container, requests, limits } = action.params;
      for (const [section, values] of [
        ["requests", requests],
        ["limits", limits],
      ] as const) {
        for (const resource of ["memory", "cpu"] as const) {
          if (values?.[resource] !== undefined)
            at(containerPath(container, `resources.${section}.${resource}`));
        }
      }
      break;
    }
    case "set-image":
      at(containerPath(action.params.container, "image"));
      break;
    case "patch-workload":
      at(containerPath(action.params.container, action.params.field));
      break;
    case "rollback":
      // The template is replaced wholesale, so any spec change since the proposal is drift.
      at("metadata.generation");
      at(`metadata.annotations["${REVISION_ANNOTATION}"]`);
      break;
    case "rollout-restart":
      at(`spec.template.metadata.annotations["${RESTARTED_AT_ANNOTATION}"]`);
      break;
    case "scale":
      at("spec.replicas");
      break;
    case "delete-pod":
      break;
  }
  const preconditions: Preconditions = { expected };
  if (target.metadata.resourceVersion !== undefined) {
    preconditions.resourceVersion = target.metadata.resourceVersion;
  }
  return preconditions;
}

/**
 * Differences between what a proposal expected and the object now (empty = no drift). When the
 * resourceVersion is unchanged nothing can differ; when it changed, every expected field is
 * compared, and a proposal that names no fields counts as drifted (nothing proves it safe).
 */
export function detectDrift(
  action: Pick<RemediationAction, "target">,
  preconditions: Preconditions,
  current: KubeObject | undefined,
): string[] {
  const label = targetLabel(action);
  if (preconditions.mustNotExist) {
    return current ? [`${label} now exists (the proposal creates it, so it must not exist)`] : [];
  }
  if (!current) return [`${label} no longer exists`];
  const nowVersion = current.metadata.resourceVersion;
  const expected = Object.entries(preconditions.expected ?? {});
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion === nowVersion) return [];
  if (expected.length === 0) {
    return [
      preconditions.resourceVersion === undefined
        ? `the proposal for ${label} carries no preconditions to check`
        : `${label} changed (resourceVersion ${preconditions.resourceVersion} -> ${nowVersion ?? "none"}) and the proposal names no fields to compare`,
    ];
  }
  const drift: string[] = [];
  for (const [path, value] of expected) {
    let actual: unknown;
    try {
      actual = readPath(current, path) ?? null;
    } catch {
      drift.push(`precondition path '${path}' is not understood`);
      continue;
    }
    if (!jsonEqual(actual, value ?? null)) {
      drift.push(`${path} is ${show(actual)}, the proposal expected ${show(value)}`);
    }
  }
  return drift;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "unset";
  return typeof value === "string" ? value : JSON.stringify(value);
}
