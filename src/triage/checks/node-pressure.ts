import type { Pod } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import { conditionQuote, podsOnNode } from "./nodes.js";

const PRESSURES = ["MemoryPressure", "DiskPressure", "PIDPressure"];

/** node-pressure: nodes under memory/disk/PID pressure, and the pods in scope they evicted. */
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
  return findings;
}
