import type { PersistentVolumeClaim, StorageClass } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { jsonEqual } from "../util/equal.js";
import { uidFrom } from "../util/hash.js";
import { parseTime } from "../util/time.js";

const SOURCE = { component: "persistentvolume-controller" };
const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

/** The default StorageClass, if one is marked. */
export function defaultStorageClass(cluster: Cluster): StorageClass | undefined {
  for (const sc of cluster.storageClasses.values()) {
    if (sc.metadata.annotations?.[DEFAULT_CLASS] === "true") return sc;
  }
  return undefined;
}

/** The class a claim uses ("" = static binding only). */
function className(claim: PersistentVolumeClaim): string | undefined {
  return claim.spec?.storageClassName;
}

/** The claim's binding mode: its class's volumeBindingMode, Immediate when unknown. */
export function bindingMode(cluster: Cluster, claim: PersistentVolumeClaim): string {
  const name = className(claim);
  const sc = name ? cluster.storageClasses.get(name) : undefined;
  return sc?.volumeBindingMode ?? "Immediate";
}

/**
 * Provisions a volume for a claim and binds them, as an external provisioner and the PV
 * controller do together: a PersistentVolume `pvc-<claim uid>` (pinned to the node for
 * WaitForFirstConsumer classes) and the claim marked Bound.
 */
export function bindClaim(cluster: Cluster, claim: PersistentVolumeClaim, node?: string): void {
  const name = className(claim) ?? "";
  const sc = cluster.storageClasses.get(name);
  const provisioner = sc?.provisioner ?? "kubernetes.io/no-provisioner";
  const namespace = claim.metadata.namespace ?? "";
  const volumeName = `pvc-${claim.metadata.uid ?? `${namespace}-${claim.metadata.name}`}`;
  const storage = claim.spec?.resources?.requests?.storage ?? "1Gi";
  const accessModes = claim.spec?.accessModes ?? ["ReadWriteOnce"];
  const volumeSpec: Record<string, unknown> = {
    accessModes,
    capacity: { storage },
    claimRef: {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: claim.metadata.name,
      namespace,
      uid: claim.metadata.uid,
    },
    persistentVolumeReclaimPolicy: sc?.reclaimPolicy ?? "Delete",
    storageClassName: name,
    volumeMode: "Filesystem",
  };
  if (node) {
    volumeSpec.hostPath = {
      path: `/var/local-path-provisioner/${volumeName}_${namespace}_${claim.metadata.name}`,
      type: "DirectoryOrCreate",
    };
    volumeSpec.nodeAffinity = {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] },
        ],
      },
    };
  }
  if (!cluster.persistentVolumes.has(volumeName)) {
    cluster.save({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: {
        name: volumeName,
        uid: uidFrom(`PersistentVolume/${volumeName}`),
        annotations: { "pv.kubernetes.io/provisioned-by": provisioner },
        finalizers: ["kubernetes.io/pv-protection"],
      },
      spec: volumeSpec,
      status: { phase: "Bound" },
    });
  }
  const provisionerSource = { component: `${provisioner}_${provisioner.split("/")[0]}-provisioner` };
  cluster.events.occurred(
    claim,
    "Normal",
    "Provisioning",
    `External provisioner is provisioning volume for claim "${namespace}/${claim.metadata.name}"`,
    provisionerSource,
  );
  cluster.events.occurred(
    claim,
    "Normal",
    "ProvisioningSucceeded",
    `Successfully provisioned volume ${volumeName}`,
    provisionerSource,
  );
  claim.metadata.annotations = {
    ...claim.metadata.annotations,
    "pv.kubernetes.io/bind-completed": "yes",
    "pv.kubernetes.io/bound-by-controller": "yes",
    "volume.beta.kubernetes.io/storage-provisioner": provisioner,
    "volume.kubernetes.io/storage-provisioner": provisioner,
    ...(node ? { "volume.kubernetes.io/selected-node": node } : {}),
  };
  claim.spec = { ...claim.spec, volumeName };
  claim.status = { phase: "Bound", accessModes, capacity: { storage } } as PersistentVolumeClaim["status"];
  cluster.save(claim);
}

/**
 * The PV controller: fills in the default class, binds claims whose class binds immediately,
 * leaves WaitForFirstConsumer claims to the scheduler, and reports a missing class the way
 * the controller does (claim Pending, ProvisioningFailed).
 */
export function runVolumeController(cluster: Cluster): void {
  const fallback = defaultStorageClass(cluster);
  for (const claim of [...cluster.claims.values()]) {
    if (claim.metadata.deletionTimestamp) continue;
    if (claim.status?.phase === "Bound") continue;
    let changed = false;
    if (claim.spec?.storageClassName === undefined && fallback?.metadata.name) {
      // The DefaultStorageClass admission plugin fills this in on create.
      claim.spec = { ...claim.spec, storageClassName: fallback.metadata.name };
      changed = true;
    }
    const name = className(claim);
    const volume = claim.spec?.volumeName ? cluster.persistentVolumes.get(claim.spec.volumeName) : undefined;
    if (volume) {
      claim.status = {
        ...claim.status,
        phase: "Bound",
        capacity: (volume.spec as { capacity?: Record<string, string> }).capacity ?? {},
      };
      cluster.save(claim);
      continue;
    }
    const createdMs = Math.min(parseTime(claim.metadata.creationTimestamp) ?? cluster.nowMs, cluster.nowMs);
    const retries = 1 + Math.floor((cluster.nowMs - createdMs) / 120_000);
    const pending = { ...claim.status, phase: "Pending" };
    const unchanged = !changed && jsonEqual(claim.status, pending);
    // Same claim, same instant: its events are already counted.
    const events = unchanged && cluster.sameInstant ? undefined : cluster.events;
    if (!name) {
      events?.timeline(
        claim,
        "Normal",
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
        SOURCE,
        { count: retries, firstMs: createdMs },
      );
    } else if (!cluster.storageClasses.has(name)) {
      events?.timeline(
        claim,
        "Warning",
        "ProvisioningFailed",
        `storageclass.storage.k8s.io "${name}" not found`,
        SOURCE,
        { count: retries, firstMs: createdMs },
      );
    } else if (bindingMode(cluster, claim) === "WaitForFirstConsumer") {
      events?.timeline(
        claim,
        "Normal",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
        SOURCE,
        { count: retries, firstMs: createdMs },
      );
    } else {
      bindClaim(cluster, claim);
      continue;
    }
    if (!unchanged) {
      claim.status = pending;
      cluster.save(claim);
    }
  }
}
