import { stringify } from "yaml";
import type {
  Condition,
  ContainerStatus,
  KubeEvent,
  KubeObject,
  OwnerReference,
  Pod,
  Service,
  Workload,
} from "../../domain/kube.js";
import { scrubText, scrubValue } from "../scrub.js";

/**
 * Compact renderings of Kubernetes objects for the model: table rows like `kubectl get`, and
 * trimmed YAML with the noise (managedFields, last-applied, uids) removed and secrets redacted.
 */

const NOISE_ANNOTATIONS = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
];

/** Drops fields that cost tokens and carry no diagnostic value, then redacts. */
export function trimObject(object: KubeObject): unknown {
  const copy = structuredClone(object) as KubeObject;
  const meta = copy.metadata ?? {};
  delete meta.managedFields;
  delete meta.uid;
  delete meta.selfLink;
  delete meta.generateName;
  if (meta.annotations) {
    for (const key of NOISE_ANNOTATIONS) delete meta.annotations[key];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (meta.ownerReferences) {
    // uids are noise to the model; kind and name identify the owner.
    meta.ownerReferences = meta.ownerReferences.map(
      ({ uid: _uid, ...rest }) => rest,
    ) as unknown as OwnerReference[];
  }
  return scrubValue(copy);
}

/** YAML of a trimmed object. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** Aligned text table; the header names the columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function containerState(status: ContainerStatus): string {
  const waiting = status.state?.waiting?.reason;
  if (waiting) return waiting;
  const terminated = status.state?.terminated;
  if (terminated) return terminated.reason ?? `exit ${terminated.exitCode}`;
  return status.state?.running ? "Running" : "Unknown";
}

/** kubectl-like STATUS of a pod, plus the last termination when it restarted. */
export function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return "Terminating";
  const init = pod.status?.initContainerStatuses?.find(
    (s) => !s.ready && (s.state?.waiting || s.state?.terminated),
  );
  if (init) return `Init:${containerState(init)}`;
  const notReady = pod.status?.containerStatuses?.find((s) => s.state?.waiting || s.state?.terminated);
  if (notReady) return containerState(notReady);
  if (pod.status?.reason) return pod.status.reason;
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False",
  );
  if (unschedulable) return `Pending(${unschedulable.reason ?? "unscheduled"})`;
  return pod.status?.phase ?? "Unknown";
}

function lastTermination(pod: Pod): string {
  const last = pod.status?.containerStatuses?.find((s) => s.lastState?.terminated)?.lastState?.terminated;
  return last ? `${last.reason ?? "Error"}(exit ${last.exitCode})` : "";
}

function podRow(pod: Pod): string[] {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = `${statuses.filter((s) => s.ready).length}/${pod.spec?.containers?.length ?? statuses.length}`;
  const restarts = String(statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0));
  return [
    pod.metadata.name ?? "",
    ready,
    podStatus(pod),
    restarts,
    lastTermination(pod),
    pod.spec?.nodeName ?? "",
  ];
}

function images(workload: Workload): string {
  return (workload.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? "").join(",");
}

function workloadRow(w: Workload): string[] {
  const desired = w.status?.desiredNumberScheduled ?? w.spec?.replicas ?? 1;
  const ready = w.status?.readyReplicas ?? w.status?.numberReady ?? 0;
  const failing = (w.status?.conditions ?? []).filter(
    (c) =>
      (c.type === "Available" || c.type === "Progressing" || c.type === "ReplicaFailure") &&
      c.status !== "True",
  );
  return [
    w.metadata.name ?? "",
    `${ready}/${desired}`,
    String(w.status?.updatedReplicas ?? ""),
    String(w.status?.availableReplicas ?? 0),
    images(w),
    failing.map((c) => `${c.type}=${c.status}:${c.reason ?? ""}`).join(";"),
  ];
}

/** One-line event: when, type, reason, object, count, message. */
export function eventRow(event: KubeEvent): string[] {
  const involved = event.involvedObject ?? {};
  return [
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? "",
    event.type ?? "",
    event.reason ?? "",
    `${involved.kind ?? ""}/${involved.name ?? ""}`,
    String(event.count ?? 1),
    // Event messages are free text (they can quote env or command lines): scrub each one.
    scrubText((event.message ?? "").replace(/\s+/g, " ").slice(0, 300)),
  ];
}

export const EVENT_HEADER = ["LAST", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"];

function conditions(list: Condition[] | undefined, want: (c: Condition) => boolean): string {
  return (list ?? [])
    .filter(want)
    .map((c) => `${c.type}=${c.status}`)
    .join(",");
}

/** Table of objects of one kind; unknown kinds get name + namespace + age. */
export function rowsFor(kind: string, items: KubeObject[]): { header: string[]; rows: string[][] } {
  switch (kind) {
    case "Pod":
      return {
        header: ["NAME", "READY", "STATUS", "RESTARTS", "LAST-TERMINATION", "NODE"],
        rows: items.map((i) => podRow(i as Pod)),
      };
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
      return {
        header: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "IMAGES", "CONDITIONS"],
        rows: items.map((i) => workloadRow(i as Workload)),
      };
    case "Event":
      return { header: EVENT_HEADER, rows: items.map((i) => eventRow(i as KubeEvent)) };
    case "Service":
      return {
        header: ["NAME", "TYPE", "PORTS", "SELECTOR"],
        rows: items.map((i) => {
          const spec = (i as Service).spec ?? {};
          const ports = (spec.ports ?? []).map((p) => `${p.port}->${p.targetPort ?? p.port}`).join(",");
          const selector = Object.entries(spec.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
          return [i.metadata.name ?? "", spec.type ?? "ClusterIP", ports, selector || "<none>"];
        }),
      };
    case "Node":
      return {
        header: ["NAME", "READY", "PROBLEMS", "UNSCHEDULABLE"],
        rows: items.map((i) => {
          const status = i.status as { conditions?: Condition[] } | undefined;
          const spec = i.spec as { unschedulable?: boolean } | undefined;
          return [
            i.metadata.name ?? "",
            conditions(status?.conditions, (c) => c.type === "Ready") || "Ready=Unknown",
            conditions(status?.conditions, (c) => c.type !== "Ready" && c.status === "True"),
            spec?.unschedulable ? "true" : "",
          ];
        }),
      };
    default:
      return {
        header: ["NAME", "NAMESPACE", "STATUS", "CREATED"],
        rows: items.map((i) => [
          i.metadata.name ?? "",
          i.metadata.namespace ?? "",
          summaryStatus(i),
          i.metadata.creationTimestamp ?? "",
        ]),
      };
  }
}

function summaryStatus(object: KubeObject): string {
  const status = object.status as { phase?: unknown } | undefined;
  if (typeof status?.phase === "string") return status.phase;
  if (object.kind === "Secret" || object.kind === "ConfigMap") {
    const data = (object.data ?? {}) as Record<string, unknown>;
    return `keys=${Object.keys(data).join(",")}`;
  }
  return "";
}
