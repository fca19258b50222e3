import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Workload } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isNodeReady } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { fnv32a, safeEncode, uidFrom } from "../util/hash.js";
import { formatTime } from "../util/time.js";
import { createPod, podFromTemplate } from "./pod-factory.js";
import { quotaRejection } from "./quota.js";
import { templateKey } from "./template.js";
import { activePods, creationTimeFor, deletePod, desiredReplicas, isPodReady } from "./workloads.js";

const SOURCE = { component: "statefulset-controller" };
const REVISION_LABEL = "controller-revision-hash";

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: PersistentVolumeClaim["spec"];
}

interface ControllerRevision {
  metadata: { name?: string; namespace?: string; ownerReferences?: { uid: string }[] };
  data?: { spec?: { template?: unknown } };
  revision?: number;
}

/**
 * The name of the ControllerRevision holding the StatefulSet's current template, creating it
 * when the template is new. A state-file StatefulSet without revisions adopts its
 * status.updateRevision for the template it has, so its pods' revision labels still match.
 */
function resolveRevision(cluster: Cluster, sts: Workload, revisions: ControllerRevision[]): string {
  const wanted = templateKey(sts.spec.template);
  const owned = revisions.filter((revision) =>
    revision.metadata.ownerReferences?.some((owner) => owner.uid === sts.metadata.uid),
  );
  const match = owned.find(
    (revision) => templateKey(revision.data?.spec?.template as PodTemplateSpec) === wanted,
  );
  if (match?.metadata.name) return match.metadata.name;
  const adopted =
    owned.length === 0 ? (sts.status as { updateRevision?: string } | undefined)?.updateRevision : undefined;
  const name = adopted ?? `${sts.metadata.name}-${safeEncode(fnv32a(wanted)).slice(0, 10)}`;
  const revision = Math.max(0, ...owned.map((entry) => entry.revision ?? 0)) + 1;
  const stored = cluster.save({
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      uid: uidFrom(`ControllerRevision/${sts.metadata.uid}/${name}`),
      namespace: sts.metadata.namespace,
      labels: { ...sts.spec.selector?.matchLabels, [REVISION_LABEL]: name },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          name: sts.metadata.name ?? "",
          uid: sts.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data: { spec: { template: sts.spec.template } },
    revision,
  });
  revisions.push(stored as ControllerRevision);
  return name;
}

function ensureClaims(
  cluster: Cluster,
  sts: Workload,
  podName: string,
  createdMs: number,
): { name: string; persistentVolumeClaim: { claimName: string } }[] {
  const templates = (sts.spec.volumeClaimTemplates ?? []) as ClaimTemplate[];
  const volumes = [];
  for (const template of templates) {
    const name = template.metadata?.name ?? "data";
    const claimName = `${name}-${podName}`;
    const namespace = sts.metadata.namespace ?? "";
    if (!cluster.claims.has(`${namespace}/${claimName}`)) {
      cluster.save({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: claimName,
          namespace,
          labels: { ...sts.spec.selector?.matchLabels, ...template.metadata?.labels },
          creationTimestamp: formatTime(createdMs),
          uid: uidFrom(`PersistentVolumeClaim/${sts.metadata.uid}/${claimName}`),
        },
        spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", ...template.spec },
        status: { phase: "Pending" },
      } as PersistentVolumeClaim);
      cluster.events.occurred(
        sts,
        "Normal",
        "SuccessfulCreate",
        `create Claim ${claimName} Pod ${podName} in StatefulSet ${sts.metadata.name} success`,
        SOURCE,
      );
    }
    volumes.push({ name, persistentVolumeClaim: { claimName } });
  }
  return volumes;
}

/**
 * The StatefulSet controller: pods `<name>-0..n-1` created in order (OrderedReady waits for each
 * to be Running and Ready, Parallel does not), claims from volumeClaimTemplates, pods of an old
 * template replaced (RollingUpdate), surplus ordinals removed, and the status.
 */
export function runStatefulSets(cluster: Cluster, statefulSets: Workload[]): Map<string, string> {
  const revisions =
    statefulSets.length > 0 ? (cluster.view.list("ControllerRevision") as ControllerRevision[]) : [];
  const current = new Map<string, string>();
  for (const sts of statefulSets) {
    if (sts.metadata.deletionTimestamp) continue;
    const namespace = sts.metadata.namespace ?? "";
    const desired = desiredReplicas(sts);
    const revision = resolveRevision(cluster, sts, revisions);
    current.set(sts.metadata.uid ?? "", revision);
    const ordered = (sts.spec.podManagementPolicy ?? "OrderedReady") === "OrderedReady";
    const onDelete = (sts.spec.updateStrategy as { type?: string } | undefined)?.type === "OnDelete";
    const createdMs = creationTimeFor(cluster, sts);
    for (let ordinal = 0; ordinal < desired; ordinal++) {
      const name = `${sts.metadata.name}-${ordinal}`;
      const existing = cluster.pods.get(`${namespace}/${name}`);
      if (existing) {
        if (
          !onDelete &&
          !existing.metadata.deletionTimestamp &&
          existing.metadata.labels?.[REVISION_LABEL] !== revision
        ) {
          deletePod(cluster, existing, isNodeReady(cluster.nodes.get(existing.spec.nodeName ?? "")));
          cluster.events.occurred(
            sts,
            "Normal",
            "SuccessfulDelete",
            `delete Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
            SOURCE,
          );
          if (ordered) break;
        }
        if (ordered && (existing.metadata.deletionTimestamp || !isPodReady(existing))) break;
        continue;
      }
      const template = structuredClone(sts.spec.template);
      const claimVolumes = ensureClaims(cluster, sts, name, createdMs);
      const volumes = [
        ...(template.spec.volumes ?? []).filter(
          (volume) => !claimVolumes.some((claim) => claim.name === volume.name),
        ),
        ...claimVolumes,
      ];
      const pod: Pod = podFromTemplate(sts, template, name, {
        createdMs,
        labels: {
          [REVISION_LABEL]: revision,
          "statefulset.kubernetes.io/pod-name": name,
          "apps.kubernetes.io/pod-index": String(ordinal),
        },
        spec: {
          hostname: name,
          ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}),
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      });
      const rejection = quotaRejection(cluster, pod);
      if (rejection) {
        cluster.events.timeline(
          sts,
          "Warning",
          "FailedCreate",
          `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${rejection}`,
          SOURCE,
          { count: 1 },
        );
        break;
      }
      createPod(cluster, pod);
      cluster.events.occurred(
        sts,
        "Normal",
        "SuccessfulCreate",
        `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
        SOURCE,
      );
      if (ordered) break;
    }
    for (const pod of activePods(cluster, sts)) {
      const ordinal = Number(pod.metadata.name?.slice((sts.metadata.name ?? "").length + 1));
      if (ordinal >= desired) {
        deletePod(cluster, pod, isNodeReady(cluster.nodes.get(pod.spec.nodeName ?? "")));
        cluster.events.occurred(
          sts,
          "Normal",
          "SuccessfulDelete",
          `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
          SOURCE,
        );
      }
    }
  }
  return current;
}

/** StatefulSet status from its pods. */
export function statefulSetStatuses(
  cluster: Cluster,
  statefulSets: Workload[],
  revisions: Map<string, string>,
): void {
  for (const sts of statefulSets) {
    const revision = revisions.get(sts.metadata.uid ?? "");
    if (!revision) continue;
    const pods = activePods(cluster, sts);
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((pod) => pod.metadata.labels?.[REVISION_LABEL] === revision).length;
    const status = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    };
    if (jsonEqual(sts.status, status)) continue;
    sts.status = status;
    cluster.save(sts);
  }
}
