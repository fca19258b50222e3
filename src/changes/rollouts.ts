import type { Change } from "../domain/changes.js";
import type { KubeEvent, KubeObject, PodTemplateSpec, Workload } from "../domain/kube.js";
import { managerNear, userEntries } from "./managed.js";
import { ownedBy, refTo, timeMs } from "./refs.js";
import { diffSummary, diffTemplates, isRestartOnly } from "./template-diff.js";

/** The summary of a revision that only restarted the pods (`kubectl rollout restart`). */
export const RESTART = "rollout restart";

/**
 * Rollouts: each revision of a Deployment (its ReplicaSets) and of a StatefulSet or DaemonSet
 * (its ControllerRevisions), diffed against the revision before it; plus scale changes.
 */

const REVISION = "deployment.kubernetes.io/revision";

interface Revision {
  number: number;
  at: string;
  template: PodTemplateSpec | undefined;
}

function revisionChanges(kind: string, owner: KubeObject, revisions: Revision[]): Change[] {
  const sorted = [...revisions].filter((r) => r.number > 0).sort((a, b) => a.number - b.number);
  const out: Change[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1];
    const after = sorted[i];
    if (!before || !after) continue;
    const differences = diffTemplates(before.template, after.template);
    const restart = differences.length === 0 && isRestartOnly(before.template, after.template);
    if (differences.length === 0 && !restart) continue;
    const manager = managerNear(owner, timeMs(after.at) ?? 0, "spec.template");
    const summary = restart ? { text: RESTART } : diffSummary(differences);
    const where = [summary.where, `revision ${before.number} → ${after.number}`].filter(Boolean).join(", ");
    out.push({
      at: after.at,
      kind: "rollout",
      resource: refTo(kind, owner),
      ...(manager ? { manager } : {}),
      summary: `${summary.text} (${where})`,
      details: restart
        ? [RESTART]
        : differences.map((d) => (d.container ? `${d.container}: ${d.text}` : d.text)),
    });
  }
  return out;
}

/** Revisions of a Deployment, one per ReplicaSet, diffed in revision order. */
export function deploymentRollouts(deployment: Workload, replicaSets: Workload[]): Change[] {
  const revisions = replicaSets
    .filter((rs) => ownedBy(rs, "Deployment", deployment))
    .map((rs) => ({
      number: Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0,
      at: rs.metadata.creationTimestamp ?? "",
      template: rs.spec?.template,
    }));
  return revisionChanges("Deployment", deployment, revisions);
}

/** Revisions of a StatefulSet or DaemonSet from its ControllerRevisions (`data.spec.template`). */
export function controllerRevisionRollouts(
  kind: "StatefulSet" | "DaemonSet",
  owner: Workload,
  controllerRevisions: KubeObject[],
): Change[] {
  const revisions = controllerRevisions
    .filter((cr) => ownedBy(cr, kind, owner))
    .map((cr) => {
      const data = cr.data as { spec?: { template?: PodTemplateSpec } } | undefined;
      return {
        number: Number(cr.revision ?? 0) || 0,
        at: cr.metadata.creationTimestamp ?? "",
        template: data?.spec?.template,
      };
    });
  return revisionChanges(kind, owner, revisions);
}

/** Replica changes made by a person or tool (kubectl scale, an edit of spec.replicas). */
export function manualScales(kind: string, workload: Workload): Change[] {
  return userEntries(workload)
    .filter((entry) => entry.subresource === "scale" || entry.fields.includes("spec.replicas"))
    .filter(
      (entry) => entry.subresource === "scale" || entry.fields.every((f) => !f.startsWith("spec.template")),
    )
    .map((entry) => ({
      at: entry.time ?? "",
      kind: "scale" as const,
      resource: refTo(kind, workload),
      manager: entry.manager,
      summary: `replicas set to ${workload.spec?.replicas ?? "?"}`,
      details: [],
    }));
}

/** Autoscaler rescales, from the HPA's own SuccessfulRescale events. */
export function rescaleEvents(events: KubeEvent[]): Change[] {
  return events
    .filter(
      (event) =>
        event.reason === "SuccessfulRescale" && event.involvedObject.kind === "HorizontalPodAutoscaler",
    )
    .map((event) => ({
      at:
        event.lastTimestamp ??
        event.eventTime ??
        event.firstTimestamp ??
        event.metadata.creationTimestamp ??
        "",
      kind: "scale" as const,
      resource: {
        kind: "HorizontalPodAutoscaler",
        namespace: event.involvedObject.namespace ?? "",
        name: event.involvedObject.name ?? "",
      },
      manager: "horizontal-pod-autoscaler",
      summary: event.message ?? "rescaled",
      details: [],
    }));
}
