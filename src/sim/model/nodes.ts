import type { Node, Pod } from "../../domain/kube.js";
import type { Cluster } from "./cluster.js";
import { fnv32a } from "./util/hash.js";

/** A node's Ready condition status: "True", "False" or "Unknown" (no conditions means healthy). */
export function nodeReadiness(node: Node): string {
  return node.status?.conditions?.find((condition) => condition.type === "Ready")?.status ?? "True";
}

/** True when the kubelet on the node is up and reporting. */
export function isNodeReady(node: Node | undefined): boolean {
  return node !== undefined && nodeReadiness(node) === "True";
}

/** True when a pod has finished (its resources are released). */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** The first three octets of the node's pod CIDR ("10.244.1."), derived from the name if unset. */
function podNetwork(cluster: Cluster, node: Node): string {
  const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
  const match = cidr ? /^(\d+\.\d+\.\d+)\.\d+\/\d+$/.exec(cidr) : null;
  if (match) return `${match[1]}.`;
  const names = [...cluster.nodes.keys()].sort();
  return `10.244.${Math.max(0, names.indexOf(node.metadata.name ?? "")) % 256}.`;
}

/** Pod IPs in use on a node, worked out once per pass and kept current by allocation. */
function ipsInUse(cluster: Cluster, nodeName: string): Set<string> {
  return cluster.passCache(`pod-ips/${nodeName}`, () => {
    const used = new Set<string>();
    for (const other of cluster.podsOn(nodeName)) {
      if (!isTerminal(other) && other.status?.podIP) used.add(other.status.podIP);
    }
    return used;
  });
}

/**
 * A free pod IP on the node, derived from the pod's name so a scenario replays with the same IPs.
 * Addresses in use by the node's live pods are skipped.
 */
export function allocatePodIP(cluster: Cluster, node: Node, pod: Pod): string {
  const network = podNetwork(cluster, node);
  const used = ipsInUse(cluster, node.metadata.name ?? "");
  const start = fnv32a(`${pod.metadata.namespace}/${pod.metadata.name}`) % 250;
  let chosen = `${network}${2 + start}`;
  for (let offset = 0; offset < 250; offset++) {
    const candidate = `${network}${2 + ((start + offset) % 250)}`;
    if (!used.has(candidate)) {
      chosen = candidate;
      break;
    }
  }
  used.add(chosen);
  return chosen;
}
