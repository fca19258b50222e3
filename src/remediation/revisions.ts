import type { KubeObject, PodTemplateSpec } from "../domain/kube.js";
import { RemediationRefused } from "../errors.js";
import { jsonEqual } from "./paths.js";
import { REVISION_ANNOTATION } from "./targets.js";

/**
 * Deployment revision history as `kubectl rollout undo --to-revision` reads it: each ReplicaSet the
 * Deployment owns carries `deployment.kubernetes.io/revision`, and its pod template (minus the
 * controller-added `pod-template-hash` label) is what that revision ran.
 */

/** A revision number of an object (Deployment or ReplicaSet), if annotated. */
export function revisionOf(object: KubeObject | undefined): number | undefined {
  const text = object?.metadata.annotations?.[REVISION_ANNOTATION];
  if (text === undefined || !/^[0-9]+$/.test(text)) return undefined;
  return Number(text);
}

/** The ReplicaSets among `replicaSets` that the Deployment controls (by owner uid, else by name). */
export function ownedReplicaSets(deployment: KubeObject, replicaSets: readonly KubeObject[]): KubeObject[] {
  const uid = deployment.metadata.uid;
  return replicaSets.filter((rs) =>
    (rs.metadata.ownerReferences ?? []).some(
      (owner) =>
        owner.kind === "Deployment" &&
        owner.name === deployment.metadata.name &&
        (uid === undefined || owner.uid === uid),
    ),
  );
}

/** The pod template a ReplicaSet runs, without the hash label the controller adds. */
export function templateOf(replicaSet: KubeObject): PodTemplateSpec {
  const spec = replicaSet.spec as { template?: PodTemplateSpec } | undefined;
  if (!spec?.template) {
    throw new RemediationRefused("NO_TEMPLATE", `ReplicaSet ${replicaSet.metadata.name} has no pod template`);
  }
  const template = structuredClone(spec.template);
  const labels = template.metadata?.labels;
  if (labels) delete labels["pod-template-hash"];
  return template;
}

function withoutHash(template: unknown): unknown {
  if (typeof template !== "object" || template === null) return template;
  const copy = structuredClone(template) as PodTemplateSpec;
  if (copy.metadata?.labels) delete copy.metadata.labels["pod-template-hash"];
  return copy;
}

/**
 * The template of revision `revision` of a Deployment, or a refusal that lists the revisions
 * there are (or says the Deployment already runs that template).
 */
export function revisionTemplate(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
  revision: number,
): { template: PodTemplateSpec; replicaSet: KubeObject } {
  const owned = ownedReplicaSets(deployment, replicaSets);
  const match = owned.find((rs) => revisionOf(rs) === revision);
  const name = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
  if (!match) {
    const known = owned
      .map(revisionOf)
      .filter((value): value is number => value !== undefined)
      .sort((a, b) => a - b);
    throw new RemediationRefused(
      "NO_SUCH_REVISION",
      `Deployment ${name} has no revision ${revision} (revisions: ${known.join(", ") || "none"})`,
    );
  }
  const template = templateOf(match);
  const current = (deployment.spec as { template?: unknown } | undefined)?.template;
  if (jsonEqual(withoutHash(current), template)) {
    throw new RemediationRefused(
      "ALREADY_AT_REVISION",
      `Deployment ${name} already runs the template of revision ${revision}`,
    );
  }
  return { template, replicaSet: match };
}
