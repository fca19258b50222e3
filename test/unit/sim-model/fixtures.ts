import type { Container, KubeObject, Pod, PodSpec, Workload } from "../../../src/domain/kube.js";
import { reconcileCluster } from "../../../src/sim/model/index.js";
import { MemoryView } from "./memory-view.js";

/** A Ready node with 4 CPUs and 8Gi allocatable. */
export function node(
  name: string,
  options: {
    labels?: Record<string, string>;
    taints?: unknown[];
    ready?: string;
    allocatable?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", ...options.labels },
    },
    spec: { ...(options.taints ? { taints: options.taints } : {}) },
    status: {
      allocatable: options.allocatable ?? { cpu: "4", memory: "8Gi", pods: "110" },
      capacity: options.allocatable ?? { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [
        {
          type: "Ready",
          status: options.ready ?? "True",
          reason: "KubeletReady",
          lastTransitionTime: "2026-01-01T00:00:00Z",
        },
      ],
      addresses: [{ type: "InternalIP", address: `192.168.1.${10 + name.length}` }],
    },
  };
}

export function namespace(name: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, ...(annotations ? { annotations } : {}) } };
}

export function storageClass(name = "standard", mode = "WaitForFirstConsumer"): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: mode,
  };
}

export interface DeploymentOptions {
  namespace?: string;
  replicas?: number;
  image?: string;
  annotations?: Record<string, string>;
  container?: Partial<Container>;
  initContainers?: Container[];
  spec?: Partial<PodSpec>;
  createdAt?: string;
}

export function deployment(name: string, options: DeploymentOptions = {}): Workload {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      ...(options.createdAt ? { creationTimestamp: options.createdAt } : {}),
    },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec: {
          containers: [{ name, image: options.image ?? `ghcr.io/acme/${name}:1.0.0`, ...options.container }],
          ...(options.initContainers ? { initContainers: options.initContainers } : {}),
          ...options.spec,
        },
      },
    },
  };
}

export function service(
  name: string,
  namespace = "default",
  selector: Record<string, string> = { app: name },
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: {
      selector,
      clusterIP: "10.96.12.34",
      ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
    },
  };
}

/** A view holding a node, namespaces and the default StorageClass, plus `objects`, reconciled. */
export function cluster(
  objects: KubeObject[],
  base: KubeObject[] = [node("node-1"), namespace("default"), namespace("kube-system"), storageClass()],
): MemoryView {
  const view = new MemoryView();
  view.load([...base, ...objects]);
  reconcileCluster(view);
  return view;
}

export function reconcile(view: MemoryView, advanceSeconds = 0): void {
  if (advanceSeconds > 0) view.advance(advanceSeconds);
  reconcileCluster(view);
}

/** Pods with label app=<app>. */
export function podsOf(view: MemoryView, app: string): Pod[] {
  return (view.list("Pod") as Pod[])
    .filter((pod) => pod.metadata.labels?.app === app)
    .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}

/** The only pod of app=<app>. */
export function podOf(view: MemoryView, app: string): Pod {
  const pods = podsOf(view, app);
  if (pods.length !== 1)
    throw new Error(
      `expected one pod of ${app}, found ${pods.map((pod) => pod.metadata.name).join(", ") || "none"}`,
    );
  return pods[0]!;
}

export function isReady(pod: Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/** Changes a Deployment as `kubectl patch` would and reconciles. */
export function patchDeployment(
  view: MemoryView,
  namespace: string,
  name: string,
  change: (deployment: Workload) => void,
): void {
  const current = view.get("Deployment", namespace, name) as Workload;
  change(current);
  view.upsert(current);
  reconcileCluster(view);
}
