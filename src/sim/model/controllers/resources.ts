import type { Node, Pod } from "../../../domain/kube.js";
import { amount } from "../util/quantity.js";

/** CPU (millicores), memory (bytes) and pod count. */
export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
}

/**
 * What a pod asks the scheduler for: the sum of its app containers' requests, or the largest
 * init container's request when that is bigger (init containers run one at a time).
 */
export function podRequests(pod: Pod): Resources {
  const sum = { cpu: 0, memory: 0 };
  for (const container of pod.spec.containers ?? []) {
    sum.cpu += amount("cpu", container.resources?.requests?.cpu) ?? 0;
    sum.memory += amount("memory", container.resources?.requests?.memory) ?? 0;
  }
  for (const container of pod.spec.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, amount("cpu", container.resources?.requests?.cpu) ?? 0);
    sum.memory = Math.max(sum.memory, amount("memory", container.resources?.requests?.memory) ?? 0);
  }
  return { ...sum, pods: 1 };
}

/** A node's allocatable resources (capacity when allocatable is absent; generous defaults). */
export function allocatable(node: Node): Resources {
  const source = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpu: amount("cpu", source.cpu) ?? 4000,
    memory: amount("memory", source.memory) ?? 16 * 2 ** 30,
    pods: amount("pods", source.pods) ?? 110,
  };
}
