import type { KubeEvent, KubeObject, Pod, Workload } from "../domain/kube.js";
import { ago, type Breakage, NOW, podEvents, podStatus } from "./synthetic-pods.js";

/**
 * Synthetic clusters for benchmarks: `pods` pods in Deployments of 10 replicas, 200 pods per
 * namespace, ~5 events per pod, statuses given (no model needed to make them fail). One
 * Deployment in ten is broken, rotating through crash loops, image pulls and unschedulable pods,
 * so the engine has real work; the rest are healthy.
 */
export interface SyntheticCluster {
  objects: KubeObject[];
  /** Previous-container logs of the crash-looping pods. */
  logs: { namespace: string; pod: string; container: string; previous: boolean; text: string }[];
  /** Cluster time the statuses and events are relative to. */
  clock: string;
  readyz: string;
  namespaces: string[];
}

const REPLICAS = 10;
const PODS_PER_NAMESPACE = 200;

function deployment(
  namespace: string,
  name: string,
  breakage: Breakage,
): { deployment: Workload; rs: Workload } {
  const labels = { app: name };
  const template = {
    metadata: { labels: { ...labels, "pod-template-hash": "5d8f7" } },
    spec: {
      containers: [
        {
          name: "app",
          image: breakage === "image-pull" ? "registry.example/app:v9" : "registry.example/app:v1",
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          env: [{ name: "LOG_LEVEL", value: "info" }],
        },
      ],
    },
  };
  const ready = breakage === "healthy" ? REPLICAS : 0;
  const status = {
    replicas: REPLICAS,
    readyReplicas: ready,
    availableReplicas: ready,
    updatedReplicas: REPLICAS,
    observedGeneration: 1,
  };
  return {
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name,
        namespace,
        uid: `uid-${namespace}-${name}`,
        generation: 1,
        labels,
        creationTimestamp: ago(600),
      },
      spec: { replicas: REPLICAS, selector: { matchLabels: labels }, template },
      status: {
        ...status,
        ...(ready === 0 ? { unavailableReplicas: REPLICAS } : {}),
        conditions: [
          {
            type: "Available",
            status: ready > 0 ? "True" : "False",
            reason: ready > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
          },
          { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
        ],
      },
    },
    rs: {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${name}-5d8f7`,
        namespace,
        uid: `uid-${namespace}-${name}-rs`,
        labels: template.metadata.labels,
        annotations: { "deployment.kubernetes.io/revision": "1" },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name,
            uid: `uid-${namespace}-${name}`,
            controller: true,
          },
        ],
        creationTimestamp: ago(600),
      },
      spec: { replicas: REPLICAS, selector: { matchLabels: template.metadata.labels }, template },
      status,
    },
  };
}

const BREAKAGES: Breakage[] = ["crash-loop", "image-pull", "unschedulable"];

/** Builds a synthetic cluster of about `pods` pods (rounded up to whole Deployments). */
export function syntheticCluster(pods: number): SyntheticCluster {
  const objects: KubeObject[] = [];
  const events: KubeEvent[] = [];
  const logs: SyntheticCluster["logs"] = [];
  const deployments = Math.max(1, Math.ceil(pods / REPLICAS));
  const perNamespace = PODS_PER_NAMESPACE / REPLICAS;
  const nodeCount = Math.min(500, Math.max(3, Math.ceil(pods / 100)));
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
  for (const name of nodes) {
    objects.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, uid: `uid-${name}`, labels: { "kubernetes.io/hostname": name } },
      spec: {},
      status: {
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }],
        allocatable: { cpu: "8", memory: "32Gi", pods: "110" },
        capacity: { cpu: "8", memory: "32Gi", pods: "110" },
      },
    });
  }
  const namespaces: string[] = [];
  for (let d = 0; d < deployments; d++) {
    const namespace = `team-${Math.floor(d / perNamespace)}`;
    if (d % perNamespace === 0) {
      namespaces.push(namespace);
      objects.push({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace, uid: `uid-${namespace}` },
        status: { phase: "Active" },
      });
    }
    const name = `svc-${d}`;
    const breakage: Breakage =
      d % 10 === 3 ? (BREAKAGES[Math.floor(d / 10) % BREAKAGES.length] ?? "crash-loop") : "healthy";
    const { deployment: dep, rs } = deployment(namespace, name, breakage);
    objects.push(dep, rs);
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace, uid: `uid-${namespace}-${name}-svc` },
      spec: {
        selector: { app: name },
        ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
        type: "ClusterIP",
      },
    });
    const addresses: { ip: string; targetRef: { kind: string; name: string; namespace: string } }[] = [];
    for (let r = 0; r < REPLICAS; r++) {
      const podName = `${name}-5d8f7-${r.toString(36).padStart(5, "x")}`;
      const { status, nodeName } = podStatus(breakage, nodes[(d * REPLICAS + r) % nodes.length] ?? "node-0");
      objects.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: podName,
          namespace,
          uid: `uid-${namespace}-${podName}`,
          labels: rs.spec.template.metadata?.labels ?? {},
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "ReplicaSet",
              name: rs.metadata.name ?? "",
              uid: rs.metadata.uid ?? "",
              controller: true,
            },
          ],
          creationTimestamp: ago(120),
        },
        spec: { ...rs.spec.template.spec, ...(nodeName ? { nodeName } : {}) },
        status,
      } as Pod);
      if (breakage === "healthy")
        addresses.push({ ip: `10.1.${d % 250}.${r}`, targetRef: { kind: "Pod", name: podName, namespace } });
      events.push(...podEvents(namespace, podName, breakage));
      if (breakage === "crash-loop") {
        const text = `starting ${name}\nconnecting to queue at amqp://queue.${namespace}:5672\nfatal: queue unreachable: connection refused\n`;
        logs.push({ namespace, pod: podName, container: "app", previous: true, text });
      }
    }
    objects.push({
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name, namespace },
      subsets: addresses.length > 0 ? [{ addresses, ports: [{ port: 8080, protocol: "TCP" }] }] : [],
    });
  }
  // A loop, not push(...events): a spread of 250k arguments overflows the stack.
  for (const item of events) objects.push(item);
  const readyz =
    "[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-apiserver-admission-initializer ok\nreadyz check passed\n";
  return { objects, logs, clock: NOW, readyz, namespaces };
}
