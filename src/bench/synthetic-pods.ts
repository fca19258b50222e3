import type { KubeEvent, Pod } from "../domain/kube.js";

/** Statuses and events of synthetic pods (see synthetic.ts), relative to a fixed cluster time. */

export const NOW = "2026-01-15T09:00:00Z";

/** `minutes` before NOW, RFC 3339. */
export function ago(minutes: number): string {
  return new Date(Date.parse(NOW) - minutes * 60_000).toISOString().replace(".000Z", "Z");
}

/** What is wrong with a synthetic Deployment. */
export type Breakage = "healthy" | "crash-loop" | "image-pull" | "unschedulable";

/** Pod status as the kubelet would report it for the breakage. */
export function podStatus(breakage: Breakage, node: string): { status: Pod["status"]; nodeName?: string } {
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

/** About five events per pod, Warning ones for the broken. */
export function podEvents(namespace: string, pod: string, breakage: Breakage): KubeEvent[] {
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
