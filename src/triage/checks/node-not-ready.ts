import type { Pod } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import { conditionQuote, nodeNotReady, podsOnNode } from "./nodes.js";

/**
 * node-not-ready: a node whose kubelet is not Ready. Its pods cannot run; pods of ReplicaSets and
 * Jobs are safe to delete so they reschedule. StatefulSet pods are not proposed: if the node is
 * partitioned rather than dead, a second copy of the same identity could run (split brain).
 */
export function checkNodeNotReady(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const node of ctx.snapshot.nodes) {
    if (!nodeNotReady(node)) continue;
    const pods = podsOnNode(ctx, node);
    if (ctx.namespace !== undefined && pods.length === 0) continue;
    const ref = refOf("Node", node);
    const movable: ResourceRef[] = [];
    const pinned: Pod[] = [];
    for (const pod of pods) {
      const controllerKind = ctx.owners.resolve("Pod", pod).controller?.kind;
      if (controllerKind === "ReplicaSet" || controllerKind === "Job") movable.push(refOf("Pod", pod));
      // A DaemonSet pod belongs to its node: nothing to move.
      else if (controllerKind !== "DaemonSet") pinned.push(pod);
    }
    const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    const name = node.metadata.name ?? "";
    findings.push(
      makeFinding({
        category: "node-not-ready",
        resource: ref,
        affected: pods.map((pod) => refOf("Pod", pod)),
        evidence: [
          conditionQuote(node, "Ready") ?? `Node ${name} is not Ready`,
          ...(taints.length > 0 ? [`Node ${name} taints: ${taints.join(", ")}`] : []),
          ...pods
            .slice(0, 5)
            .map(
              (pod) =>
                `Pod ${pod.metadata.namespace}/${pod.metadata.name} on ${name}: ${pod.status?.phase ?? "Unknown"}`,
            ),
        ],
        confidence: 0.95,
        summary: `Node ${name} is NotReady: ${pods.length} pod(s) on it cannot run`,
        nextSteps: [
          `A human must look at node ${name}: kubelet/container runtime, disk, network, or the machine itself (cloud console).`,
          ...(pinned.length > 0
            ? [
                `Not proposed for deletion: ${pinned
                  .slice(0, 5)
                  .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
                  .join(
                    ", ",
                  )} (StatefulSet or bare pods: if the node is only partitioned, a second copy could run). Force-delete them only once ${name} is confirmed powered off.`,
              ]
            : []),
          `Consider cordoning it so nothing new lands there: kubectl cordon ${name}`,
        ],
        commands: [
          `kubectl describe node ${name}`,
          `kubectl get pods -A -o wide --field-selector spec.nodeName=${name}`,
          ...pinned
            .slice(0, 5)
            .map(
              (p) =>
                `kubectl -n ${p.metadata.namespace} delete pod ${p.metadata.name} --grace-period=0 --force   # only once ${name} is confirmed down`,
            ),
        ],
        ...(movable.length > 0 ? { fix: { type: "delete-pods" as const, pods: movable } } : {}),
      }),
    );
  }
  return findings;
}
