import type { RemediationAction } from "../domain/actions.js";
import type { Container, KubeObject } from "../domain/kube.js";
import { RemediationRefused } from "../errors.js";

/** API coordinates of the kinds catalog actions target. */
export interface TargetKind {
  group: string;
  version: string;
  plural: string;
}

const KINDS: Record<string, TargetKind> = {
  PersistentVolumeClaim: { group: "", version: "v1", plural: "persistentvolumeclaims" },
  Pod: { group: "", version: "v1", plural: "pods" },
  Deployment: { group: "apps", version: "v1", plural: "deployments" },
  StatefulSet: { group: "apps", version: "v1", plural: "statefulsets" },
  DaemonSet: { group: "apps", version: "v1", plural: "daemonsets" },
  ReplicaSet: { group: "apps", version: "v1", plural: "replicasets" },
};

/** The API coordinates of a kind the catalog knows. */
export function targetKind(kind: string): TargetKind {
  const info = KINDS[kind];
  if (!info) throw new RemediationRefused("UNKNOWN_KIND", `the catalog has no actions on ${kind}`);
  return info;
}

/** `apps/v1` or `v1`. */
export function apiVersion(info: TargetKind): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

/** REST path of a namespaced collection or object. */
export function objectPath(kind: string, namespace: string, name?: string, subresource?: string): string {
  const info = targetKind(kind);
  const base = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const tail = name === undefined ? "" : `/${name}${subresource ? `/${subresource}` : ""}`;
  return `${base}/namespaces/${namespace}/${info.plural}${tail}`;
}

/** `Deployment prod-api/payment-service`. */
export function targetLabel(action: Pick<RemediationAction, "target">): string {
  return `${action.target.kind} ${action.target.namespace}/${action.target.name}`;
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The containers of a workload's pod template (empty when the shape is unexpected). */
export function templateContainers(object: KubeObject | undefined): Container[] {
  const spec = object?.spec;
  if (!isRecord(spec) || !isRecord(spec.template) || !isRecord(spec.template.spec)) return [];
  const containers = spec.template.spec.containers;
  return Array.isArray(containers) ? (containers.filter(isRecord) as Container[]) : [];
}

/**
 * Throws unless `current` is the action's target: it exists, and its kind, namespace and name
 * match (a proposal must never be applied to some other object a caller passed in).
 */
export function requireTarget(action: RemediationAction, current: KubeObject | undefined): KubeObject {
  if (!current) {
    throw new RemediationRefused("TARGET_MISSING", `${targetLabel(action)} does not exist`);
  }
  const { kind, namespace, name } = action.target;
  const meta = current.metadata;
  if (
    (current.kind !== undefined && current.kind !== kind) ||
    meta.name !== name ||
    (meta.namespace !== undefined && meta.namespace !== namespace)
  ) {
    throw new RemediationRefused(
      "TARGET_MISMATCH",
      `the object given is ${current.kind ?? "?"} ${meta.namespace ?? "?"}/${meta.name ?? "?"}, not ${targetLabel(action)}`,
    );
  }
  return current;
}

/** The named container of a workload, or a refusal naming the containers it has. */
export function requireContainer(
  action: RemediationAction,
  current: KubeObject,
  container: string,
): Container {
  const containers = templateContainers(current);
  const found = containers.find((item) => item.name === container);
  if (!found) {
    const names = containers.map((item) => item.name).join(", ") || "none";
    throw new RemediationRefused(
      "NO_SUCH_CONTAINER",
      `${targetLabel(action)} has no container '${container}' (containers: ${names})`,
    );
  }
  return found;
}

/** Annotation the deployment controller keeps on Deployments and their ReplicaSets. */
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
/** Annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";
/** Marks objects the bot created, so a rollback only ever deletes its own. */
/** Label set on objects the bot created. */
export { CREATED_BY_ANNOTATION, MANAGED_BY_LABEL } from "../domain/pvc-manifest.js";
/** fieldManager of every write, so managedFields show what the bot owns. */
export const FIELD_MANAGER = "k8s-triage-bot";
