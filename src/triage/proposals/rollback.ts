import type { RemediationProposal } from "../../domain/actions.js";
import type { Workload } from "../../domain/kube.js";
import { podTemplateDiff } from "../../domain/template-diff.js";
import type { ResourceRef } from "../../domain/types.js";
import { registryOf } from "../checks/image-pull.js";
import type { TriageContext } from "../context.js";
import { revisionOf } from "../owners.js";
import { objectKey } from "../snapshot-index.js";
import { containerPath, finalize } from "./build.js";

/** A revision worth going back to, and why it was chosen. */
export interface RollbackChoice {
  replicaSet: Workload;
  revision: number;
  images: Record<string, string>;
  why: string;
}

function imagesOf(rs: Workload): Record<string, string> {
  const images: Record<string, string> = {};
  const spec = rs.spec.template.spec;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) if (c.image) images[c.name] = c.image;
  return images;
}

/**
 * The revision to roll back to: among older ReplicaSets whose images differ from every failing
 * one, the highest revision that still has ready pods (proof that it runs), else the highest
 * revision (it ran before this rollout replaced it). Undefined when there is none.
 */
export function chooseRollback(
  replicaSets: Workload[],
  failingImages: Record<string, string>,
  avoidRegistry?: string,
): RollbackChoice | undefined {
  const current = Math.max(0, ...replicaSets.map(revisionOf));
  const failing = new Set(Object.values(failingImages));
  const candidates = replicaSets
    .filter((rs) => revisionOf(rs) > 0 && revisionOf(rs) < current)
    .filter((rs) => Object.values(imagesOf(rs)).every((image) => !failing.has(image)))
    // A registry that does not resolve or refuses us fails for every image it serves.
    .filter(
      (rs) =>
        !avoidRegistry || Object.values(imagesOf(rs)).every((image) => registryOf(image) !== avoidRegistry),
    )
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const ready = candidates.find((rs) => (rs.status?.readyReplicas ?? 0) > 0);
  const chosen = ready ?? candidates[0];
  if (!chosen) return undefined;
  return {
    replicaSet: chosen,
    revision: revisionOf(chosen),
    images: imagesOf(chosen),
    why: ready
      ? `its ReplicaSet ${chosen.metadata.name} still has ${chosen.status?.readyReplicas} ready pod(s)`
      : `it is the newest earlier revision (ReplicaSet ${chosen.metadata.name}) and its images are not the failing ones`,
  };
}

/** rollback of a Deployment whose new image cannot be pulled, to the last revision that ran. */
export function proposeRollback(
  ctx: TriageContext,
  rootCauseId: string,
  workload: ResourceRef,
  failingImages: Record<string, string>,
  avoidRegistry?: string,
): RemediationProposal[] {
  const deployment = ctx.index.byKey.get(objectKey("Deployment", workload.namespace, workload.name)) as
    | Workload
    | undefined;
  if (!deployment) return [];
  const choice = chooseRollback(ctx.owners.replicaSetsOf(deployment), failingImages, avoidRegistry);
  if (!choice) return [];
  const expected: Record<string, unknown> = {};
  const spec = deployment.spec.template.spec;
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const now = container.image;
    const then = choice.images[container.name];
    if (!now || !then || now === then) continue;
    const path = `${containerPath(container.name, spec.initContainers?.includes(container) === true)}.image`;
    expected[path] = now;
  }
  if (Object.keys(expected).length === 0) return [];
  // The executor replaces the whole template: show every field that differs, not just images.
  const changes = podTemplateDiff(deployment.spec.template, choice.replicaSet.spec.template);
  const proposal = finalize({
    action: {
      action: "rollback",
      target: { kind: "Deployment", namespace: workload.namespace, name: workload.name },
      params: { toRevision: choice.revision },
    },
    rootCauseId,
    summary: `Roll ${workload.name} back to revision ${choice.revision}, restoring ${Object.values(choice.images).join(", ")}: ${choice.why}.`,
    change: changes.join("\n"),
    preconditions: {
      ...(deployment.metadata.resourceVersion
        ? { resourceVersion: deployment.metadata.resourceVersion }
        : {}),
      expected,
      templateDiff: changes,
    },
  });
  return proposal ? [proposal] : [];
}
