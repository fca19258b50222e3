import type {
  HorizontalPodAutoscaler,
  Job,
  KubeEvent,
  KubeObject,
  NetworkPolicy,
  PersistentVolumeClaim,
  Pod,
  Service,
  Workload,
} from "../domain/kube.js";
import type { PodLog, Snapshot } from "../domain/types.js";
import { LabelIndex } from "./labels.js";

/** `${kind}/${namespace}/${name}`; namespace "" for cluster-scoped kinds. */
export function objectKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ""}/${name ?? ""}`;
}

/**
 * Lookups over one snapshot, built in a single pass over every list so that every later check is
 * a sequence of map reads (the engine must stay O(objects) at 50,000 pods).
 */
export interface SnapshotIndex {
  /** Every object by `objectKey(kind, ns, name)`; kinds come from the list they were in. */
  byKey: Map<string, KubeObject>;
  /** Every object by uid, with the kind it was listed as. */
  byUid: Map<string, { kind: string; object: KubeObject }>;
  podsByControllerUid: Map<string, Pod[]>;
  podsByNode: Map<string, Pod[]>;
  replicaSetsByOwnerUid: Map<string, Workload[]>;
  jobsByOwnerUid: Map<string, Job[]>;
  /** Events by the key of their involved object. */
  eventsByObject: Map<string, KubeEvent[]>;
  /** Logs by `${namespace}/${pod}`. */
  logsByPod: Map<string, PodLog[]>;
  servicesByNamespace: Map<string, Service[]>;
  claimsByNamespace: Map<string, PersistentVolumeClaim[]>;
  networkPoliciesByNamespace: Map<string, NetworkPolicy[]>;
  hpasByTarget: Map<string, HorizontalPodAutoscaler[]>;
  podLabels: LabelIndex<Pod>;
}

/** The kind each snapshot list holds (items listed live often carry no `kind`). */
const LIST_KINDS = [
  ["namespaces", "Namespace"],
  ["nodes", "Node"],
  ["pods", "Pod"],
  ["deployments", "Deployment"],
  ["replicaSets", "ReplicaSet"],
  ["statefulSets", "StatefulSet"],
  ["daemonSets", "DaemonSet"],
  ["jobs", "Job"],
  ["cronJobs", "CronJob"],
  ["services", "Service"],
  ["endpoints", "Endpoints"],
  ["configMaps", "ConfigMap"],
  ["persistentVolumeClaims", "PersistentVolumeClaim"],
  ["persistentVolumes", "PersistentVolume"],
  ["storageClasses", "StorageClass"],
  ["ingresses", "Ingress"],
  ["ingressClasses", "IngressClass"],
  ["networkPolicies", "NetworkPolicy"],
  ["resourceQuotas", "ResourceQuota"],
  ["limitRanges", "LimitRange"],
  ["horizontalPodAutoscalers", "HorizontalPodAutoscaler"],
  ["podDisruptionBudgets", "PodDisruptionBudget"],
  ["serviceAccounts", "ServiceAccount"],
] as const;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The uid of the object's controlling owner, if any. */
export function controllerUid(object: KubeObject): string | undefined {
  const refs = object.metadata.ownerReferences ?? [];
  return (refs.find((ref) => ref.controller) ?? refs[0])?.uid;
}

/** One pass over every list of the snapshot. */
export function buildIndex(snapshot: Snapshot): SnapshotIndex {
  const index: SnapshotIndex = {
    byKey: new Map(),
    byUid: new Map(),
    podsByControllerUid: new Map(),
    podsByNode: new Map(),
    replicaSetsByOwnerUid: new Map(),
    jobsByOwnerUid: new Map(),
    eventsByObject: new Map(),
    logsByPod: new Map(),
    servicesByNamespace: new Map(),
    claimsByNamespace: new Map(),
    networkPoliciesByNamespace: new Map(),
    hpasByTarget: new Map(),
    podLabels: new LabelIndex(snapshot.pods),
  };
  for (const [list, kind] of LIST_KINDS) {
    for (const object of snapshot[list] as KubeObject[]) {
      const { namespace, name, uid } = object.metadata;
      index.byKey.set(objectKey(kind, namespace, name), object);
      if (uid) index.byUid.set(uid, { kind, object });
    }
  }
  for (const pod of snapshot.pods) {
    const owner = controllerUid(pod);
    if (owner) push(index.podsByControllerUid, owner, pod);
    if (pod.spec.nodeName) push(index.podsByNode, pod.spec.nodeName, pod);
  }
  for (const rs of snapshot.replicaSets) {
    const owner = controllerUid(rs);
    if (owner) push(index.replicaSetsByOwnerUid, owner, rs);
  }
  for (const job of snapshot.jobs) {
    const owner = controllerUid(job);
    if (owner) push(index.jobsByOwnerUid, owner, job);
  }
  for (const event of snapshot.events) {
    const involved = event.involvedObject;
    const namespace = involved.namespace ?? event.metadata.namespace ?? "";
    push(index.eventsByObject, objectKey(involved.kind ?? "", namespace, involved.name), event);
  }
  for (const log of snapshot.logs) push(index.logsByPod, `${log.namespace}/${log.pod}`, log);
  for (const service of snapshot.services) {
    push(index.servicesByNamespace, service.metadata.namespace ?? "", service);
  }
  for (const claim of snapshot.persistentVolumeClaims) {
    push(index.claimsByNamespace, claim.metadata.namespace ?? "", claim);
  }
  for (const policy of snapshot.networkPolicies) {
    push(index.networkPoliciesByNamespace, policy.metadata.namespace ?? "", policy);
  }
  for (const hpa of snapshot.horizontalPodAutoscalers) {
    const target = hpa.spec?.scaleTargetRef;
    if (target) push(index.hpasByTarget, objectKey(target.kind, hpa.metadata.namespace, target.name), hpa);
  }
  return index;
}
