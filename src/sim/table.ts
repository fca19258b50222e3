import type { KubeEvent, KubeObject, Node, Pod, Service, Workload } from "../domain/kube.js";
import { age, podColumns } from "./pod-status.js";

/**
 * Server-side printing: `meta.k8s.io/v1 Table` responses, which kubectl asks for on `get`. The
 * columns follow the real API server's printers for the kinds people look at during triage
 * (pods, deployments, events, nodes, services and a few more); other kinds get Name and Age.
 */

/** One column of a Table. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A Table row: the cells and (by default) the object as PartialObjectMetadata. */
export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

/** What rows carry besides cells (`?includeObject=`). */
export type IncludeObject = "None" | "Metadata" | "Object";

type Cell = string | number;
type Printer = {
  columns: [name: string, type: string, priority?: number][];
  cells: (object: KubeObject, nowMs: number) => Cell[];
};

function column(name: string, type: string, priority = 0): TableColumn {
  return { name, type, format: name === "Name" ? "name" : "", description: "", priority };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: "RWO",
  ReadOnlyMany: "ROX",
  ReadWriteMany: "RWX",
  ReadWriteOncePod: "RWOP",
};

function eventLastSeen(event: KubeEvent, nowMs: number): string {
  const series = record(event.series).lastObservedTime;
  const when =
    (typeof series === "string" && series) || event.lastTimestamp || event.eventTime || event.firstTimestamp;
  return age(typeof when === "string" ? when : undefined, nowMs);
}

function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((condition) => condition.type === "Ready");
  const status = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
  return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

function nodeRoles(node: Node): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((label) => label.startsWith("node-role.kubernetes.io/"))
    .map((label) => label.slice("node-role.kubernetes.io/".length))
    .filter(Boolean);
  return roles.length > 0 ? roles.sort().join(",") : "<none>";
}

function servicePorts(service: Service): string {
  const ports = (service.spec?.ports ?? []) as (Record<string, unknown> & { port: number })[];
  if (ports.length === 0) return "<none>";
  return ports
    .map(
      (port) =>
        `${port.port}${port.nodePort ? `:${String(port.nodePort)}` : ""}/${String(port.protocol ?? "TCP")}`,
    )
    .join(",");
}

function images(workload: Workload): [string, string] {
  const containers = workload.spec?.template?.spec?.containers ?? [];
  return [
    containers.map((container) => container.name).join(","),
    containers.map((container) => container.image ?? "").join(","),
  ];
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Status", "string"],
      ["Restarts", "string"],
      ["Age", "string"],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
    cells: (object, nowMs) => {
      const pod = object as Pod;
      const { ready, status, restarts } = podColumns(pod, nowMs);
      const spec = record(pod.spec);
      const podStatus = record(pod.status);
      return [
        pod.metadata.name ?? "",
        ready,
        status,
        restarts,
        age(pod.metadata.creationTimestamp, nowMs),
        String(podStatus.podIP ?? "<none>"),
        String(spec.nodeName ?? "<none>"),
        String(podStatus.nominatedNodeName ?? "<none>"),
        "<none>",
      ];
    },
  },
  Deployment: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Up-to-date", "string"],
      ["Available", "string"],
      ["Age", "string"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    cells: (object, nowMs) => {
      const deployment = object as Workload;
      const status = deployment.status ?? {};
      const [names, imageList] = images(deployment);
      const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      return [
        deployment.metadata.name ?? "",
        `${num(status.readyReplicas)}/${num(deployment.spec?.replicas ?? 1)}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        age(deployment.metadata.creationTimestamp, nowMs),
        names,
        imageList,
        selector || "<none>",
      ];
    },
  },
  ReplicaSet: {
    columns: [
      ["Name", "string"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const set = object as Workload;
      return [
        set.metadata.name ?? "",
        num(set.spec?.replicas ?? 1),
        num(set.status?.replicas),
        num(set.status?.readyReplicas),
        age(set.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  StatefulSet: {
    columns: [
      ["Name", "string"],
      ["Ready", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const set = object as Workload;
      return [
        set.metadata.name ?? "",
        `${num(set.status?.readyReplicas)}/${num(set.spec?.replicas ?? 1)}`,
        age(set.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  Event: {
    columns: [
      ["Last Seen", "string"],
      ["Type", "string"],
      ["Reason", "string"],
      ["Object", "string"],
      ["Subobject", "string", 1],
      ["Source", "string", 1],
      ["Message", "string"],
      ["First Seen", "string", 1],
      ["Count", "string", 1],
      ["Name", "string", 1],
    ],
    cells: (object, nowMs) => {
      const event = object as KubeEvent;
      const involved = event.involvedObject ?? {};
      const source = [event.source?.component ?? event.reportingComponent ?? "", event.source?.host ?? ""]
        .filter(Boolean)
        .join(", ");
      return [
        eventLastSeen(event, nowMs),
        event.type ?? "",
        event.reason ?? "",
        `${(involved.kind ?? "").toLowerCase()}/${involved.name ?? ""}`,
        involved.fieldPath ?? "",
        source,
        event.message ?? "",
        age(event.firstTimestamp, nowMs),
        String(event.count ?? 1),
        event.metadata.name ?? "",
      ];
    },
  },
  Node: {
    columns: [
      ["Name", "string"],
      ["Status", "string"],
      ["Roles", "string"],
      ["Age", "string"],
      ["Version", "string"],
      ["Internal-IP", "string", 1],
      ["External-IP", "string", 1],
      ["OS-Image", "string", 1],
      ["Kernel-Version", "string", 1],
      ["Container-Runtime", "string", 1],
    ],
    cells: (object, nowMs) => {
      const node = object as Node;
      const info = node.status?.nodeInfo ?? {};
      const addresses = (record(node.status).addresses ?? []) as { type?: string; address?: string }[];
      const address = (type: string) => addresses.find((entry) => entry.type === type)?.address ?? "<none>";
      return [
        node.metadata.name ?? "",
        nodeStatus(node),
        nodeRoles(node),
        age(node.metadata.creationTimestamp, nowMs),
        info.kubeletVersion ?? "",
        address("InternalIP"),
        address("ExternalIP"),
        info.osImage ?? "<unknown>",
        info.kernelVersion ?? "<unknown>",
        info.containerRuntimeVersion ?? "<unknown>",
      ];
    },
  },
  Service: {
    columns: [
      ["Name", "string"],
      ["Type", "string"],
      ["Cluster-IP", "string"],
      ["External-IP", "string"],
      ["Port(s)", "string"],
      ["Age", "string"],
      ["Selector", "string", 1],
    ],
    cells: (object, nowMs) => {
      const service = object as Service;
      const selector = Object.entries(service.spec?.selector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      const external = (record(service.spec).externalIPs as string[] | undefined)?.join(",") || "<none>";
      return [
        service.metadata.name ?? "",
        service.spec?.type ?? "ClusterIP",
        service.spec?.clusterIP ?? "<none>",
        external,
        servicePorts(service),
        age(service.metadata.creationTimestamp, nowMs),
        selector || "<none>",
      ];
    },
  },
  Namespace: {
    columns: [
      ["Name", "string"],
      ["Status", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => [
      object.metadata.name ?? "",
      String(record(object.status).phase ?? "Active"),
      age(object.metadata.creationTimestamp, nowMs),
    ],
  },
  PersistentVolumeClaim: {
    columns: [
      ["Name", "string"],
      ["Status", "string"],
      ["Volume", "string"],
      ["Capacity", "string"],
      ["Access Modes", "string"],
      ["StorageClass", "string"],
      ["VolumeAttributesClass", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const spec = record(object.spec);
      const status = record(object.status);
      const modes = ((status.accessModes ?? []) as string[])
        .map((mode) => ACCESS_MODES[mode] ?? mode)
        .join(",");
      return [
        object.metadata.name ?? "",
        String(status.phase ?? "Pending"),
        String(spec.volumeName ?? ""),
        String(record(status.capacity).storage ?? ""),
        modes,
        String(spec.storageClassName ?? "<unset>"),
        "<unset>",
        age(object.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  ConfigMap: {
    columns: [
      ["Name", "string"],
      ["Data", "integer"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => [
      object.metadata.name ?? "",
      Object.keys(record(object.data)).length + Object.keys(record(object.binaryData)).length,
      age(object.metadata.creationTimestamp, nowMs),
    ],
  },
  Secret: {
    columns: [
      ["Name", "string"],
      ["Type", "string"],
      ["Data", "integer"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => [
      object.metadata.name ?? "",
      String(object.type ?? "Opaque"),
      Object.keys(record(object.data)).length,
      age(object.metadata.creationTimestamp, nowMs),
    ],
  },
};

const GENERIC: Printer = {
  columns: [
    ["Name", "string"],
    ["Age", "string"],
  ],
  cells: (object, nowMs) => [object.metadata.name ?? "", age(object.metadata.creationTimestamp, nowMs)],
};

/** Column definitions for a kind. */
export function tableColumns(kind: string): TableColumn[] {
  return (PRINTERS[kind] ?? GENERIC).columns.map(([name, type, priority]) => column(name, type, priority));
}

/** One row for an object. */
export function tableRow(kind: string, object: KubeObject, nowMs: number, include: IncludeObject): TableRow {
  const row: TableRow = { cells: (PRINTERS[kind] ?? GENERIC).cells(object, nowMs) };
  if (include === "Object") row.object = object;
  else if (include === "Metadata") {
    row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
  }
  return row;
}

/** A full Table response for a list (or a single object). */
export function renderTable(
  kind: string,
  objects: KubeObject[],
  nowMs: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: tableColumns(kind),
    rows: objects.map((object) => tableRow(kind, object, nowMs, include)),
  };
}
