import type { KubeObject, Pod, PodTemplateSpec, Toleration } from "../../../domain/kube.js";
import { markComputed } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { qosClass } from "../kubelet/pod-status.js";
import { suffixFrom, uidFrom } from "../util/hash.js";
import { formatTime } from "../util/time.js";
import { chargeQuota } from "./quota.js";

const API_VERSIONS: Record<string, string> = {
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
};

/** Names handed out per view, so a pod deleted and replaced at the same instant gets a new name. */
const issued = new WeakMap<object, Set<string>>();

/** A `<prefix>-<5 chars>` name free in the namespace and never issued before, derived from the owner. */
export function generatePodName(cluster: Cluster, owner: KubeObject, index: number): string {
  const namespace = owner.metadata.namespace ?? "";
  const used = issued.get(cluster.view) ?? new Set<string>();
  for (let attempt = 0; ; attempt++) {
    const name = `${owner.metadata.name}-${suffixFrom(`${owner.metadata.uid}/${index}/${attempt}`)}`;
    if (!cluster.pods.has(`${namespace}/${name}`) && !used.has(`${namespace}/${name}`)) return name;
  }
}

/** Remembers a name as taken (after the pod was created). */
function remember(cluster: Cluster, namespace: string, name: string): void {
  let used = issued.get(cluster.view);
  if (!used) {
    used = new Set();
    issued.set(cluster.view, used);
  }
  used.add(`${namespace}/${name}`);
}

// Added to every pod by the DefaultTolerationSeconds admission plugin.
const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/** A pod as a controller creates it from a template (before admission). */
export function podFromTemplate(
  owner: KubeObject,
  template: PodTemplateSpec,
  name: string,
  extra: { labels?: Record<string, string>; createdMs: number; spec?: Record<string, unknown> },
): Pod {
  const spec = structuredClone(template.spec);
  const tolerations = [...(spec.tolerations ?? [])];
  for (const toleration of DEFAULT_TOLERATIONS) {
    if (
      !tolerations.some(
        (existing) => existing.key === toleration.key && existing.effect === toleration.effect,
      )
    )
      tolerations.push(toleration);
  }
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...extra.labels },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [
        {
          apiVersion: owner.apiVersion ?? API_VERSIONS[owner.kind ?? ""] ?? "v1",
          kind: owner.kind ?? "",
          name: owner.metadata.name ?? "",
          uid: owner.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: formatTime(extra.createdMs),
      // Derived, not random, so a scenario replays with the same ids (and names built from them).
      uid: uidFrom(`Pod/${owner.metadata.uid}/${name}/${extra.createdMs}`),
    },
    spec: {
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      serviceAccountName: "default",
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      priority: 0,
      ...spec,
      ...extra.spec,
      tolerations,
    },
  };
  pod.status = { phase: "Pending", qosClass: qosClass(pod) };
  return markComputed(pod);
}

/** Stores a new pod and records its name as issued. */
export function createPod(cluster: Cluster, pod: Pod): Pod {
  const stored = cluster.save(pod);
  remember(cluster, pod.metadata.namespace ?? "", pod.metadata.name ?? "");
  chargeQuota(cluster, stored);
  return stored;
}
