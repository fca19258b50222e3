import type { KubeEvent, Node, Service } from "../../domain/kube.js";
import { age } from "../pod-status.js";
import { type Printer, record } from "./common.js";

/** Table printers of events, nodes, services, namespaces, claims, config maps and secrets. */

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

/** Event, Node, Service, Namespace, PersistentVolumeClaim, ConfigMap, Secret. */
export const OTHER_PRINTERS: Record<string, Printer> = {
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
