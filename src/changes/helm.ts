import type { Change } from "../domain/changes.js";
import type { KubeObject } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import { managedEntries } from "./managed.js";
import { isoTime, refTo, timeMs } from "./refs.js";

/**
 * Helm releases from their storage Secrets' metadata only (labels `owner=helm`, `name`, `status`,
 * `version`, `modifiedAt`): the release payload in the Secret's data is never read, so neither
 * values nor manifests are known, only each revision's status and time.
 */

/** One stored revision of a release. */
export interface HelmRevision {
  release: string;
  namespace: string;
  revision: number;
  /** deployed, failed, superseded, pending-install, pending-upgrade, pending-rollback, uninstalling… */
  status: string;
  /** When the revision was created (the Secret's creationTimestamp, else `createdAt`). */
  createdAt?: string;
  /** When Helm last changed it (`modifiedAt`, a Unix time label). */
  modifiedAt?: string;
  /** The storage Secret. */
  secret: ResourceRef;
  /** The Secret's field manager: `helm`, or `helm-controller` under Flux. */
  manager?: string;
}

/** A release and its stored revisions, oldest first. */
export interface HelmReleaseHistory {
  name: string;
  namespace: string;
  revisions: HelmRevision[];
  latest: HelmRevision;
  /** The newest revision that was deployed successfully (superseded counts: it ran), if any. */
  lastGood?: HelmRevision;
}

/** Statuses of a release that did not finish: a finding. */
export const UNFINISHED_STATUSES = ["failed", "pending-install", "pending-upgrade", "pending-rollback"];

function unixLabel(value: string | undefined): string | undefined {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0 ? isoTime(seconds * 1000) : undefined;
}

/** The revision a Helm storage Secret holds, undefined for any other Secret. */
export function helmRevisionOf(secret: KubeObject): HelmRevision | undefined {
  const labels = secret.metadata.labels ?? {};
  if (labels.owner !== "helm" || !labels.name) return undefined;
  const revision = Number(labels.version);
  if (!Number.isInteger(revision) || revision <= 0) return undefined;
  const createdAt = secret.metadata.creationTimestamp ?? unixLabel(labels.createdAt);
  const modifiedAt = unixLabel(labels.modifiedAt);
  const manager = managedEntries(secret)[0]?.manager;
  return {
    release: labels.name,
    namespace: secret.metadata.namespace ?? "",
    revision,
    status: labels.status ?? "unknown",
    ...(createdAt ? { createdAt } : {}),
    ...(modifiedAt ? { modifiedAt } : {}),
    secret: refTo("Secret", secret),
    ...(manager ? { manager } : {}),
  };
}

/** Every release in the Secrets, by namespace and name, its revisions oldest first. */
export function helmReleases(secrets: KubeObject[]): HelmReleaseHistory[] {
  const byRelease = new Map<string, HelmRevision[]>();
  for (const secret of secrets) {
    const revision = helmRevisionOf(secret);
    if (!revision) continue;
    const key = `${revision.namespace}/${revision.release}`;
    const list = byRelease.get(key) ?? [];
    list.push(revision);
    byRelease.set(key, list);
  }
  const out: HelmReleaseHistory[] = [];
  for (const revisions of byRelease.values()) {
    revisions.sort((a, b) => a.revision - b.revision);
    const latest = revisions[revisions.length - 1];
    if (!latest) continue;
    const lastGood = [...revisions]
      .reverse()
      .find((r) => r !== latest && (r.status === "deployed" || r.status === "superseded"));
    out.push({
      name: latest.release,
      namespace: latest.namespace,
      revisions,
      latest,
      ...(lastGood ? { lastGood } : {}),
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** The release an object belongs to (Helm's ownership annotations, else the managed-by label). */
export function releaseOf(object: KubeObject): { name: string; namespace: string } | undefined {
  const annotations = object.metadata.annotations ?? {};
  const labels = object.metadata.labels ?? {};
  const name = annotations["meta.helm.sh/release-name"];
  if (name)
    return {
      name,
      namespace: annotations["meta.helm.sh/release-namespace"] ?? object.metadata.namespace ?? "",
    };
  if (labels["app.kubernetes.io/managed-by"] === "Helm" && labels["app.kubernetes.io/instance"])
    return { name: labels["app.kubernetes.io/instance"], namespace: object.metadata.namespace ?? "" };
  return undefined;
}

/** One change per stored revision: install, upgrade or rollback, with its status. */
export function helmChanges(release: HelmReleaseHistory): Change[] {
  return release.revisions.map((revision, i) => {
    const previous = release.revisions[i - 1];
    const action =
      revision.revision === 1
        ? "installed"
        : previous
          ? `upgraded ${previous.revision} → ${revision.revision}`
          : `revision ${revision.revision}`;
    return {
      at: revision.createdAt ?? revision.modifiedAt ?? "",
      kind: "helm-release" as const,
      resource: revision.secret,
      manager: revision.manager ?? "helm",
      summary: `Helm release ${release.name} ${action} (${revision.status})`,
      details: revision.modifiedAt ? [`status last modified ${revision.modifiedAt}`] : [],
    };
  });
}

/** `helm rollback <release> <revision> -n <ns>`: for a human, it needs the release data the bot never reads. */
export function rollbackCommand(release: HelmReleaseHistory): string | undefined {
  if (!release.lastGood) return undefined;
  return `helm rollback ${release.name} ${release.lastGood.revision} -n ${release.namespace}`;
}

/** Time of a revision in ms (creation, else modification). */
export function revisionTimeMs(revision: HelmRevision): number | undefined {
  return timeMs(revision.createdAt) ?? timeMs(revision.modifiedAt);
}
