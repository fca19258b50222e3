import type { Node, Pod } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";

/** `Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status. (since …)`, verbatim. */
export function conditionQuote(node: Node, type: string): string | undefined {
  const c = node.status?.conditions?.find((cond) => cond.type === type);
  if (!c) return undefined;
  const since = c.lastTransitionTime ? ` (since ${c.lastTransitionTime})` : "";
  return `Node ${node.metadata.name} ${c.type}=${c.status} ${c.reason ?? ""}${c.message ? `: ${c.message}` : ""}${since}`;
}

/** True when the node reports Ready=False or Unknown (a node with no Ready condition yet is not judged). */
export function nodeNotReady(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return ready !== undefined && ready.status !== "True";
}

/** Pods on the node in the triage scope that are not finished. */
export function podsOnNode(ctx: TriageContext, node: Node): Pod[] {
  return (ctx.index.podsByNode.get(node.metadata.name ?? "") ?? []).filter(
    (pod) =>
      ctx.inScope(pod.metadata.namespace) &&
      pod.status?.phase !== "Succeeded" &&
      pod.status?.phase !== "Failed",
  );
}
