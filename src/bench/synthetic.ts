import type { KubeEvent, KubeObject, Pod, Workload } from "../domain/kube.js";

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

const NOW = "2026-01-15T09:00:00Z";
const REPLICAS = 10;
const PODS_PER_NAMESPACE = 200;

function ago(minutes: number): string {
  return new Date(Date.parse(NOW) - minutes * 60_000).toISOString().replace(".000Z", "Z");
}

type Breakage = "healthy" | "crash-loop" | "image-pull" | "unschedulable";

function podStatus(breakage: Breakage, node: string): { status: Pod["status"]; nodeName?: string } {
  const started = ago(120);
  const scheduled = { type: "PodScheduled", status: "True", lastTransitionTime: started };
  if (breakage === "unschedulable") {
    return {
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/40 nodes are available: 40 Insufficient memory.",
            lastTransitionTime: started,
          },
        ],
      },
    };
  }
  const ready = breakage === "healthy";
  const containerState =
    breakage === "healthy"
      ? { running: { startedAt: started } }
      : breakage === "crash-loop"
        ? {
            waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app" },
          }
        : {
            waiting: {
              reason: "ImagePullBackOff",
              message: 'Back-off pulling image "registry.example/app:v9"',
            },
          };
  return {
    nodeName: node,
    status: {
      phase: breakage === "healthy" || breakage === "crash-loop" ? "Running" : "Pending",
      startTime: started,
      hostIP: "10.0.0.1",
      podIP: "10.1.0.1",
      conditions: [
        scheduled,
        { type: "Initialized", status: "True", lastTransitionTime: started },
        { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: started },
        { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: started },
      ],
      containerStatuses: [
        {
          name: "app",
          ready,
          started: ready,
          restartCount: breakage === "crash-loop" ? 12 : 0,
          image: breakage === "image-pull" ? "registry.example/app:v9" : "registry.example/app:v1",
          state: containerState,
          ...(breakage === "crash-loop"
            ? {
                lastState: {
                  terminated: { exitCode: 1, reason: "Error", startedAt: ago(6), finishedAt: ago(5) },
                },
              }
            : {}),
        },
      ],
    },
  };
}

function event(
  namespace: string,
  pod: string,
  index: number,
  type: string,
  reason: string,
  message: string,
  minutes: number,
): KubeEvent {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod}.${index.toString(16)}`, namespace, creationTimestamp: ago(minutes) },
    involvedObject: { kind: "Pod", namespace, name: pod },
    type,
    reason,
    message,
    count: 1,
    firstTimestamp: ago(minutes),
    lastTimestamp: ago(minutes),
    source: { component: type === "Normal" && reason === "Scheduled" ? "default-scheduler" : "kubelet" },
  };
}

function podEvents(namespace: string, pod: string, breakage: Breakage): KubeEvent[] {
  if (breakage === "unschedulable") {
    return [
      event(
        namespace,
        pod,
        1,
        "Warning",
        "FailedScheduling",
        "0/40 nodes are available: 40 Insufficient memory.",
        3,
      ),
      event(
        namespace,
        pod,
        2,
        "Warning",
        "FailedScheduling",
        "0/40 nodes are available: 40 Insufficient memory.",
        60,
      ),
      event(namespace, pod, 3, "Normal", "NotTriggerScaleUp", "pod didn't trigger scale-up", 50),
      event(
        namespace,
        pod,
        4,
        "Warning",
        "FailedScheduling",
        "0/40 nodes are available: 40 Insufficient memory.",
        30,
      ),
      event(namespace, pod, 5, "Normal", "NotTriggerScaleUp", "pod didn't trigger scale-up", 20),
    ];
  }
  const base = [
    event(namespace, pod, 1, "Normal", "Scheduled", `Successfully assigned ${namespace}/${pod} to node`, 120),
    event(namespace, pod, 2, "Normal", "Pulling", 'Pulling image "registry.example/app:v1"', 119),
  ];
  if (breakage === "image-pull") {
    return [
      ...base,
      event(
        namespace,
        pod,
        3,
        "Warning",
        "Failed",
        'Failed to pull image "registry.example/app:v9": manifest unknown',
        10,
      ),
      event(namespace, pod, 4, "Warning", "Failed", "Error: ErrImagePull", 10),
      event(namespace, pod, 5, "Normal", "BackOff", 'Back-off pulling image "registry.example/app:v9"', 2),
    ];
  }
  if (breakage === "crash-loop") {
    return [
      ...base,
      event(namespace, pod, 3, "Normal", "Created", "Created container app", 118),
      event(namespace, pod, 4, "Normal", "Started", "Started container app", 118),
      event(namespace, pod, 5, "Warning", "BackOff", "Back-off restarting failed container app", 1),
    ];
  }
  return [
    ...base,
    event(namespace, pod, 3, "Normal", "Pulled", 'Successfully pulled image "registry.example/app:v1"', 119),
    event(namespace, pod, 4, "Normal", "Created", "Created container app", 119),
    event(namespace, pod, 5, "Normal", "Started", "Started container app", 119),
  ];
}

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
  objects.push(...events);
  const readyz =
    "[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-apiserver-admission-initializer ok\nreadyz check passed\n";
  return { objects, logs, clock: NOW, readyz, namespaces };
}
