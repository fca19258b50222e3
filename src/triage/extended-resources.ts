import type { Pod } from "../domain/kube.js";
import type { TriageContext } from "./context.js";
import { parseQuantity } from "./quantity.js";

/**
 * Extended resources (`nvidia.com/gpu`, `amd.com/gpu`, `example.com/fpga`, hugepages): a pod that
 * requests one can only run on a node whose allocatable lists it. The spec and the nodes' capacity
 * tell, with or without a scheduler message in the capture.
 */

/** A resource name the scheduler treats as extended (vendor-domain names, hugepages). */
export function isExtendedResource(name: string): boolean {
  if (name.startsWith("hugepages-")) return true;
  const slash = name.indexOf("/");
  // `kubernetes.io/…` and `requests.*` names are native or quota keys, not device resources.
  return slash > 0 && !name.slice(0, slash).endsWith("kubernetes.io");
}

/** Extended resources a pod asks for (requests, else limits, which imply requests), per name. */
export function extendedRequests(pod: Pod): Map<string, number> {
  const out = new Map<string, number>();
  for (const container of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    const requests = { ...container.resources?.limits, ...container.resources?.requests };
    for (const [name, value] of Object.entries(requests)) {
      if (!isExtendedResource(name)) continue;
      const amount = parseQuantity(value) ?? 0;
      if (amount > 0) out.set(name, Math.max(out.get(name) ?? 0, amount));
    }
  }
  return out;
}

/** Why the nodes cannot give a pod one of its extended resources, from capacity alone. */
export interface ExtendedShortfall {
  resource: string;
  requested: number;
  /** `Pod ns/p spec requests nvidia.com/gpu 1; no node offers nvidia.com/gpu enough (allocatable node-1: 0)`. */
  quote: string;
  /** False when the snapshot holds no Node at all: then nothing can be said about capacity. */
  nodesKnown: boolean;
}

/**
 * The first extended resource the pod requests that no node in the snapshot has enough of
 * (allocatable, else capacity). With no nodes in the input the answer is "unknown", said so.
 */
export function extendedShortfall(ctx: TriageContext, pod: Pod): ExtendedShortfall | undefined {
  const wanted = extendedRequests(pod);
  if (wanted.size === 0) return undefined;
  const nodes = ctx.snapshot.nodes;
  const where = `Pod ${pod.metadata.namespace}/${pod.metadata.name} spec`;
  for (const [resource, requested] of wanted) {
    if (nodes.length === 0) {
      return {
        resource,
        requested,
        nodesKnown: false,
        quote: `${where} requests ${resource} ${requested}; no Node is in the snapshot, so whether any node offers it is unknown`,
      };
    }
    const offers = nodes.map((node) => {
      const status = node.status as {
        allocatable?: Record<string, string>;
        capacity?: Record<string, string>;
      };
      const value = status?.allocatable?.[resource] ?? status?.capacity?.[resource];
      return { name: node.metadata.name ?? "", amount: parseQuantity(value) ?? 0 };
    });
    if (offers.some((offer) => offer.amount >= requested)) continue;
    const listed = offers
      .slice(0, 6)
      .map((offer) => `${offer.name}: ${offer.amount}`)
      .join(", ");
    return {
      resource,
      requested,
      nodesKnown: true,
      quote: `${where} requests ${resource} ${requested}; no node offers ${resource} enough (allocatable ${listed}${offers.length > 6 ? ", …" : ""})`,
    };
  }
  return undefined;
}
