import { createHash } from "node:crypto";
import { z } from "zod";
import type { ResourceRef } from "../domain/types.js";

const labels = z.record(z.string(), z.string());

/** One alert in Alertmanager's webhook payload. */
export const alertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal("4"),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertSchema).min(1),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
export type Alert = z.infer<typeof alertSchema>;

/** Alerts of one payload that concern the same workload (or the same namespace when none is named). */
export interface AlertGroup {
  /** Stable across notifications of the same group: used to find the Slack message to update. */
  key: string;
  namespace: string;
  /** The cluster the alerts name (their cluster label, see {@link GroupOptions}), when they do. */
  cluster?: string;
  workload?: ResourceRef;
  status: "firing" | "resolved";
  alertnames: string[];
  alerts: Alert[];
  /** Human summary from the alerts' annotations (untrusted text). */
  summary: string;
}

const workloadLabels: [string, string][] = [
  ["deployment", "Deployment"],
  ["statefulset", "StatefulSet"],
  ["daemonset", "DaemonSet"],
  ["cronjob", "CronJob"],
  ["job_name", "Job"],
];
const replicaSetPod = /^(.+)-([a-z0-9]{6,10})-([a-z0-9]{5})$/;
const statefulSetPod = /^(.+)-(\d+)$/;

/** The workload an alert names, from kube-state-metrics style labels (or a pod name's shape). */
export function workloadOf(alert: Alert, namespace: string): ResourceRef | undefined {
  for (const [label, kind] of workloadLabels) {
    const name = alert.labels[label];
    if (name) return { kind, namespace, name };
  }
  const pod = alert.labels.pod;
  if (pod) {
    const rs = replicaSetPod.exec(pod);
    if (rs?.[1]) return { kind: "Deployment", namespace, name: rs[1] };
    const sts = statefulSetPod.exec(pod);
    if (sts?.[1]) return { kind: "StatefulSet", namespace, name: sts[1] };
    return { kind: "Pod", namespace, name: pod };
  }
  return undefined;
}

function namespaceOf(alert: Alert, payload: AlertmanagerPayload): string | undefined {
  return alert.labels.namespace ?? alert.labels.exported_namespace ?? payload.commonLabels.namespace;
}

/** The label that names an alert's cluster by default (ALERTMANAGER_CLUSTER_LABEL). */
export const DEFAULT_CLUSTER_LABEL = "cluster";

/** How alerts are grouped. */
export interface GroupOptions {
  /** The label naming the alert's cluster (default {@link DEFAULT_CLUSTER_LABEL}). */
  clusterLabel?: string;
}

/**
 * Splits a payload into groups per namespace/workload; alerts without a namespace cannot be
 * triaged and are returned as skipped with the reason.
 */
export function groupAlerts(
  payload: AlertmanagerPayload,
  options: GroupOptions = {},
): { groups: AlertGroup[]; skipped: string[] } {
  const groups = new Map<string, AlertGroup>();
  const skipped: string[] = [];
  const clusterLabel = options.clusterLabel ?? DEFAULT_CLUSTER_LABEL;
  for (const alert of payload.alerts) {
    const namespace = namespaceOf(alert, payload);
    const name = alert.labels.alertname ?? "unnamed alert";
    if (!namespace) {
      skipped.push(`${name}: no namespace label, cannot pick what to triage`);
      continue;
    }
    const cluster = alert.labels[clusterLabel] ?? payload.commonLabels[clusterLabel];
    const workload = workloadOf(alert, namespace);
    const local = workload ? `${namespace}/${workload.kind}/${workload.name}` : namespace;
    // The same namespace in two clusters is two incidents (keys without a cluster are unchanged).
    const scope = cluster ? `${cluster}\u0000${local}` : local;
    const key = createHash("sha256").update(`${payload.groupKey}\u0000${scope}`).digest("hex").slice(0, 32);
    const group = groups.get(key) ?? {
      key,
      namespace,
      ...(cluster ? { cluster } : {}),
      ...(workload ? { workload } : {}),
      status: "resolved" as const,
      alertnames: [],
      alerts: [],
      summary: "",
    };
    group.alerts.push(alert);
    if (!group.alertnames.includes(name)) group.alertnames.push(name);
    if (alert.status === "firing") group.status = "firing";
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const texts = group.alerts
      .map((alert) => alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.message)
      .filter((text): text is string => Boolean(text));
    group.summary = [...new Set(texts)].join("\n");
  }
  return { groups: [...groups.values()], skipped };
}
