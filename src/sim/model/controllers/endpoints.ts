import type { EndpointAddress, Endpoints, Pod, Service } from "../../../domain/kube.js";
import type { Cluster } from "../cluster.js";
import { isTerminal } from "../nodes.js";
import { jsonEqual } from "../util/equal.js";
import { isPodReady } from "./workloads.js";

function targetPort(port: NonNullable<NonNullable<Service["spec"]>["ports"]>[number], pods: Pod[]): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const numeric = Number(target);
  if (Number.isInteger(numeric)) return numeric;
  for (const pod of pods) {
    for (const container of pod.spec.containers ?? []) {
      const match = container.ports?.find((entry) => entry.name === target);
      if (match) return match.containerPort;
    }
  }
  return port.port;
}

function address(pod: Pod): EndpointAddress & { nodeName?: string } {
  return {
    ip: pod.status?.podIP ?? "",
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    } as EndpointAddress["targetRef"],
  };
}

/**
 * The endpoints controller: for every Service with a selector, Endpoints listing the matching
 * pods that have an IP — ready ones under addresses, the rest under notReadyAddresses.
 */
export function runEndpoints(cluster: Cluster): void {
  for (const service of cluster.services.values()) {
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || service.spec?.type === "ExternalName") continue;
    const namespace = service.metadata.namespace ?? "";
    const pods = cluster
      .podsMatching(namespace, selector)
      .filter((pod) => pod.status?.podIP && !isTerminal(pod) && !pod.metadata.deletionTimestamp)
      .sort((a, b) => (a.status?.podIP ?? "").localeCompare(b.status?.podIP ?? ""));
    const ready = pods.filter(isPodReady).map(address);
    const notReady = pods.filter((pod) => !isPodReady(pod)).map(address);
    const ports = (service.spec?.ports ?? []).map((port) => ({
      ...(port.name ? { name: port.name } : {}),
      port: targetPort(port, pods),
      protocol: port.protocol ?? "TCP",
    }));
    const subsets =
      pods.length > 0
        ? [
            {
              ...(ready.length > 0 ? { addresses: ready } : {}),
              ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ]
        : undefined;
    const key = `${namespace}/${service.metadata.name}`;
    const existing = cluster.endpoints.get(key) as Endpoints | undefined;
    if (existing && jsonEqual(existing.subsets, subsets)) continue;
    const endpoints: Endpoints = existing ?? {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        name: service.metadata.name,
        namespace,
        ...(service.metadata.labels ? { labels: { ...service.metadata.labels } } : {}),
      },
    };
    if (subsets) endpoints.subsets = subsets;
    else delete endpoints.subsets;
    cluster.save(endpoints);
  }
}
