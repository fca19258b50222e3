import { z } from "zod";
import type { ManagedBy } from "./changes.js";

/**
 * The remediation action catalog: the only changes the bot can ever propose or make. A model's
 * suggestion becomes a proposal only if it parses against this schema; the executor builds the
 * Kubernetes request from the parsed params, never from free text. Secrets and RBAC are never
 * targets. Extend by adding actions; never widen an existing one silently.
 */

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const kubeName = z.string().min(1).max(253).regex(dns1123, "must be a DNS-1123 name");
export const namespaceName = z.string().min(1).max(63).regex(dns1123, "must be a DNS-1123 label");
/** Kubernetes quantity such as 512Mi, 1Gi, 250m, 2. */
export const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, "must be a quantity like 512Mi or 250m");

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"] as const;
export const workloadKind = z.enum(WORKLOAD_KINDS);

const workloadTarget = z.object({ kind: workloadKind, namespace: namespaceName, name: kubeName });

export const ACTION_TYPES = [
  "create-pvc",
  "set-resources",
  "set-image",
  "rollback",
  "rollout-restart",
  "scale",
  "delete-pod",
  "patch-workload",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Fields `patch-workload` may touch; anything else is refused. */
export const PATCHABLE_FIELDS = [
  "readinessProbe.initialDelaySeconds",
  "readinessProbe.timeoutSeconds",
  "readinessProbe.failureThreshold",
  "livenessProbe.initialDelaySeconds",
  "livenessProbe.timeoutSeconds",
  "livenessProbe.failureThreshold",
  "startupProbe.failureThreshold",
] as const;

export const remediationActionSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("create-pvc"),
    target: z.object({ kind: z.literal("PersistentVolumeClaim"), namespace: namespaceName, name: kubeName }),
    params: z.object({
      storageClassName: kubeName,
      size: quantity,
      accessModes: z
        .array(z.enum(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]))
        .min(1),
    }),
  }),
  z.object({
    action: z.literal("set-resources"),
    target: workloadTarget,
    params: z.object({
      container: kubeName,
      requests: z.object({ memory: quantity.optional(), cpu: quantity.optional() }).optional(),
      limits: z.object({ memory: quantity.optional(), cpu: quantity.optional() }).optional(),
    }),
  }),
  z.object({
    action: z.literal("set-image"),
    target: workloadTarget,
    params: z.object({
      container: kubeName,
      image: z
        .string()
        .min(1)
        .max(512)
        .regex(/^[^\s]+$/),
    }),
  }),
  z.object({
    action: z.literal("rollback"),
    target: z.object({ kind: z.literal("Deployment"), namespace: namespaceName, name: kubeName }),
    params: z.object({ toRevision: z.number().int().positive() }),
  }),
  z.object({ action: z.literal("rollout-restart"), target: workloadTarget, params: z.object({}) }),
  z.object({
    action: z.literal("scale"),
    target: z.object({
      kind: z.enum(["Deployment", "StatefulSet"]),
      namespace: namespaceName,
      name: kubeName,
    }),
    params: z.object({ replicas: z.number().int().min(0).max(100) }),
  }),
  z.object({
    action: z.literal("delete-pod"),
    target: z.object({ kind: z.literal("Pod"), namespace: namespaceName, name: kubeName }),
    params: z.object({}),
  }),
  z.object({
    action: z.literal("patch-workload"),
    target: workloadTarget,
    params: z.object({
      container: kubeName,
      field: z.enum(PATCHABLE_FIELDS),
      value: z.number().int().min(0).max(3600),
    }),
  }),
]);

/** One catalog action with its parsed target and params. */
export type RemediationAction = z.infer<typeof remediationActionSchema>;

/**
 * What the bot must still see in the cluster at apply time; any difference is drift and the
 * executor refuses. `expected` maps a dotted JSON path in the target to its value at proposal time.
 */
export interface Preconditions {
  resourceVersion?: string;
  /** True when the target must not exist yet (create-pvc). */
  mustNotExist?: boolean;
  expected?: Record<string, unknown>;
  /**
   * For rollback: the pod-template diff the approver was shown (`podTemplateDiff` lines). The
   * executor recomputes it at apply time and refuses when it differs, so it never applies more.
   */
  templateDiff?: string[];
}

/** A remediation the bot proposes: a catalog action plus why, how risky, and exactly what changes. */
export type RemediationProposal = RemediationAction & {
  /** Stable within one result, e.g. `create-pvc:a-team/postgres-pvc`. */
  id: string;
  /** The root cause this fixes. */
  rootCauseId: string;
  /** Set by rule in the catalog, never by a model. */
  risk: "low" | "medium" | "high";
  summary: string;
  /** The exact change, human-readable (e.g. `containers[app].resources.limits.memory: 64Mi -> 256Mi`). */
  change: string;
  preconditions: Preconditions;
  /** The target is managed by Helm or a GitOps controller: what a live patch means, and the alternative. */
  managedBy?: ManagedBy;
};
