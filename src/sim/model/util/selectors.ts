import type { LabelSelector, Node, PodSpec, Toleration } from "../../../domain/kube.js";

/** One requirement of a label selector or node selector term. */
export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** True when `labels` satisfy one requirement (In, NotIn, Exists, DoesNotExist, Gt, Lt). */
export function matchesRequirement(labels: Record<string, string>, requirement: Requirement): boolean {
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const left = Number(value);
      const right = Number(values[0]);
      if (value === undefined || Number.isNaN(left) || Number.isNaN(right)) return false;
      return requirement.operator === "Gt" ? left > right : left < right;
    }
    default:
      return false;
  }
}

/**
 * True when `labels` match a LabelSelector. An empty selector matches everything, as for
 * Deployments; an undefined one matches nothing (a Service without selector has no endpoints).
 */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector | undefined,
): boolean {
  if (!selector) return false;
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (actual[key] !== value) return false;
  return (selector.matchExpressions ?? []).every((requirement) => matchesRequirement(actual, requirement));
}

/** True when `labels` carry every key/value of a map selector (Service spec.selector, nodeSelector). */
export function matchesMap(
  labels: Record<string, string> | undefined,
  selector: Record<string, string>,
): boolean {
  const actual = labels ?? {};
  return Object.entries(selector).every(([key, value]) => actual[key] === value);
}

interface NodeSelectorTerm {
  matchExpressions?: Requirement[];
  matchFields?: Requirement[];
}

/** The required node affinity terms of a pod spec (OR-ed), or undefined when there are none. */
function requiredTerms(spec: PodSpec): NodeSelectorTerm[] | undefined {
  const affinity = spec.affinity as
    | {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
        };
      }
    | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

/** The scheduler's NodeAffinity filter: spec.nodeSelector AND any required node affinity term. */
export function matchesNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  if (spec.nodeSelector && !matchesMap(labels, spec.nodeSelector)) return false;
  const terms = requiredTerms(spec);
  if (!terms || terms.length === 0) return true;
  const fields = { "metadata.name": node.metadata.name ?? "" };
  return terms.some(
    (term) =>
      (term.matchExpressions ?? []).every((requirement) => matchesRequirement(labels, requirement)) &&
      (term.matchFields ?? []).every((requirement) => matchesRequirement(fields, requirement)),
  );
}

/** A node taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** True when one toleration tolerates a taint (empty key with Exists tolerates everything). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** The first NoSchedule/NoExecute taint of a node the pod does not tolerate. */
export function untoleratedTaint(spec: PodSpec, taints: Taint[]): Taint | undefined {
  const tolerations = spec.tolerations ?? [];
  return taints.find(
    (taint) =>
      (taint.effect === "NoSchedule" || taint.effect === "NoExecute") &&
      !tolerations.some((toleration) => tolerates(toleration, taint)),
  );
}
