import type { Pod } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import { isDegraded, workloadAvailability } from "../availability.js";
import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import { refKey, refOf } from "../owners.js";
import { conditionQuote, podsOnNode } from "./nodes.js";

const PRESSURES = ["MemoryPressure", "DiskPressure", "PIDPressure"];

/**
 * node-pressure: nodes under memory/disk/PID pressure, and the pods in scope they evicted; and
 * evictions by nodes the input does not contain, of workloads that are short of replicas now.
 */
export function checkNodePressure(ctx: TriageContext): Finding[] {
  const evictedByNode = new Map<string, Pod[]>();
  for (const pod of ctx.snapshot.pods) {
    if (!ctx.inScope(pod.metadata.namespace) || pod.status?.reason !== "Evicted") continue;
    const node = pod.spec.nodeName ?? "";
    const list = evictedByNode.get(node);
    if (list) list.push(pod);
    else evictedByNode.set(node, [pod]);
  }
  const findings: Finding[] = [];
  for (const node of ctx.snapshot.nodes) {
    const active = PRESSURES.filter((type) =>
      node.status?.conditions?.some((c) => c.type === type && c.status === "True"),
    );
    if (active.length === 0) continue;
    const name = node.metadata.name ?? "";
    const evicted = evictedByNode.get(name) ?? [];
    const pods = podsOnNode(ctx, node);
    if (ctx.namespace !== undefined && pods.length === 0 && evicted.length === 0) continue;
    findings.push(
      makeFinding({
        category: "node-pressure",
        resource: refOf("Node", node),
        affected: [...evicted, ...pods].map((pod) => refOf("Pod", pod)),
        evidence: [
          ...active.map((type) => conditionQuote(node, type) ?? `Node ${name} ${type}=True`),
          ...evicted
            .slice(0, 5)
            .map(
              (pod) =>
                `Pod ${pod.metadata.namespace}/${pod.metadata.name} Evicted: ${pod.status?.message ?? ""}`,
            ),
        ],
        confidence: 0.9,
        summary: `Node ${name} is under ${active.join(", ")}${evicted.length > 0 ? `: ${evicted.length} pod(s) evicted` : ""}`,
        nextSteps: [
          active.includes("DiskPressure")
            ? `Free disk on ${name} (images, logs, emptyDir volumes) or add capacity.`
            : `Find what uses the ${active.includes("PIDPressure") ? "processes" : "memory"} on ${name} and whether its pods set limits.`,
        ],
        commands: [
          `kubectl describe node ${name}`,
          "kubectl top nodes",
          `kubectl top pods -A --sort-by=memory`,
        ],
      }),
    );
  }
  return [...findings, ...evictionsFromUnknownNodes(ctx, evictedByNode)];
}

/** `ephemeral-storage` from `The node was low on resource: ephemeral-storage. …`. */
function resourceOf(message: string | undefined): string | undefined {
  return /low on resource: ([\w-]+(?:\.[\w-]+)*)/.exec(message ?? "")?.[1];
}

/**
 * Pods `Failed` with reason `Evicted` whose node is not in the input (a namespace dump), of a
 * workload that is short of replicas now: the kubelet's eviction message is the evidence, the
 * node's pressure condition is unknown. One cause per workload.
 */
function evictionsFromUnknownNodes(ctx: TriageContext, evictedByNode: Map<string, Pod[]>): Finding[] {
  const known = new Set(ctx.snapshot.nodes.map((node) => node.metadata.name ?? ""));
  const byWorkload = new Map<string, { workload: ResourceRef; pods: Pod[] }>();
  for (const [node, pods] of evictedByNode) {
    if (known.has(node)) continue;
    for (const pod of pods) {
      const workload = ctx.owners.resolve("Pod", pod).workload;
      if (workload.kind === "Pod" || !isDegraded(workloadAvailability(ctx, workload))) continue;
      const entry = byWorkload.get(refKey(workload)) ?? { workload, pods: [] };
      entry.pods.push(pod);
      byWorkload.set(refKey(workload), entry);
    }
  }
  return [...byWorkload.values()].map(({ workload, pods }) => {
    const nodes = [...new Set(pods.map((pod) => pod.spec.nodeName ?? "?"))];
    const resources = [...new Set(pods.map((pod) => resourceOf(pod.status?.message) ?? "resources"))];
    const a = workloadAvailability(ctx, workload);
    return makeFinding({
      category: "node-pressure",
      resource: workload,
      affected: pods.map((pod) => refOf("Pod", pod)),
      evidence: [
        ...pods
          .slice(0, 5)
          .map(
            (pod) =>
              `Pod ${pod.metadata.namespace}/${pod.metadata.name} Evicted: ${pod.status?.message ?? ""}`,
          ),
        `${workload.kind} ${workload.namespace}/${workload.name}: ${a?.available ?? 0} of ${a?.desired ?? 0} available`,
        `Node ${nodes.join(", ")} is not in the snapshot: its pressure conditions are unknown`,
      ],
      confidence: 0.8,
      summary: `${workload.name}'s pods were evicted by node ${nodes.join(", ")} for low ${resources.join(", ")} (${pods.length} eviction${pods.length === 1 ? "" : "s"}; ${a?.available ?? 0} of ${a?.desired ?? 0} available)`,
      nextSteps: [
        resources.includes("ephemeral-storage")
          ? `Set ephemeral-storage requests/limits on ${workload.name} (or use a volume for what it writes), and check the node's free disk.`
          : `Set requests and limits on ${workload.name} that match what it uses, and check the node's free ${resources.join(", ")}.`,
      ],
      commands: nodes.map((node) => `kubectl describe node ${node}`),
    });
  });
}
