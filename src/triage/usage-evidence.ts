import type { Node } from "../domain/kube.js";
import type { TriageContext } from "./context.js";
import { podsOf } from "./context.js";
import { type Finding, MAX_EVIDENCE } from "./finding.js";
import { formatMemory, parseQuantity } from "./quantity.js";
import { objectKey } from "./snapshot-index.js";
import { nodeMetricsFor, percentOf, podMetricsFor } from "./usage.js";
import { findContainer } from "./workloads.js";

/**
 * Numbers from metrics-server on the causes they explain: a node's memory and CPU against its
 * allocatable on node causes ("node-2 memory 94% of allocatable"), and containers running at their
 * CPU limit (throttled) on workload causes. Pure; a snapshot without metrics adds nothing.
 */

/** At or above this share of its CPU limit a container is being throttled by the CFS quota. */
export const THROTTLED_SHARE = 0.9;

/** `15.1Gi` above a GiB (node-sized numbers read better with one decimal), else `740Mi`. */
function memoryText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${Number((bytes / 2 ** 30).toFixed(1))}Gi` : formatMemory(bytes);
}

function cores(value: number): string {
  return value >= 1 ? `${Number(value.toFixed(2))} cores` : `${Math.round(value * 1000)}m`;
}

/** `Node n memory 94% of allocatable (15.3Gi of 16.3Gi), CPU 40% (1.60 of 4 cores) (metrics-server)`. */
export function nodeUsageLine(ctx: TriageContext, node: Node): string | undefined {
  const name = node.metadata.name ?? "";
  const metrics = nodeMetricsFor(ctx, name);
  if (!metrics) return undefined;
  const memory = parseQuantity(metrics.usage.memory);
  const cpu = parseQuantity(metrics.usage.cpu);
  const allocMemory = parseQuantity(node.status?.allocatable?.memory);
  const allocCpu = parseQuantity(node.status?.allocatable?.cpu);
  const parts: string[] = [];
  if (memory !== undefined && allocMemory) {
    parts.push(
      `memory ${percentOf(memory, allocMemory)}% of allocatable (${memoryText(memory)} of ${memoryText(allocMemory)})`,
    );
  }
  if (cpu !== undefined && allocCpu) {
    parts.push(`CPU ${percentOf(cpu, allocCpu)}% (${cores(cpu)} of ${cores(allocCpu)})`);
  }
  return parts.length > 0
    ? `Node ${name} ${parts.join(", ")} (metrics-server at ${metrics.timestamp})`
    : undefined;
}

/** Containers of a workload's pods at their CPU limit, as evidence lines. */
export function throttlingLines(ctx: TriageContext, finding: Finding): string[] {
  const lines: string[] = [];
  for (const view of podsOf(ctx, finding.resource)) {
    const pod = view.pod;
    const metrics = podMetricsFor(ctx, pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    for (const usage of metrics?.containers ?? []) {
      const limit = parseQuantity(findContainer(pod.spec, usage.name)?.resources?.limits?.cpu);
      const used = parseQuantity(usage.usage.cpu);
      if (!limit || used === undefined || used < limit * THROTTLED_SHARE) continue;
      lines.push(
        `${pod.metadata.name}/${usage.name} CPU ${cores(used)} of its ${cores(limit)} limit (${percentOf(used, limit)}%, metrics-server): throttled`,
      );
    }
  }
  return lines.slice(0, 3);
}

/** Puts the numbers right after the cause's first quote, keeping the evidence within its cap. */
function add(finding: Finding, lines: string[]): void {
  if (lines.length === 0) return;
  finding.evidence.splice(1, 0, ...lines);
  if (finding.evidence.length > MAX_EVIDENCE) finding.evidence.length = MAX_EVIDENCE;
}

/** Adds the usage numbers to the findings they explain (in place). */
export function addUsageEvidence(ctx: TriageContext, findings: Finding[]): void {
  if (!ctx.snapshot.podMetrics && !ctx.snapshot.nodeMetrics) return;
  for (const finding of findings) {
    if (finding.resource.kind === "Node") {
      const node = ctx.index.byKey.get(objectKey("Node", "", finding.resource.name)) as Node | undefined;
      const line = node ? nodeUsageLine(ctx, node) : undefined;
      if (line) add(finding, [line]);
      continue;
    }
    add(finding, throttlingLines(ctx, finding));
  }
}
