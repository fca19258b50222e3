import { z } from "zod";
import { namespaceName } from "../../domain/actions.js";
import type { Node, Pod } from "../../domain/kube.js";
import type { NodeMetrics, PodMetrics } from "../../domain/metrics.js";
import { readMetrics } from "../../k8s/metrics-api.js";
import { formatMemory, parseQuantity } from "../../triage/quantity.js";
import { type AgentTool, allowedItems, defineTool, scopedNamespace } from "./registry.js";

function pct(part: number | undefined, whole: number | undefined): string {
  return part !== undefined && whole ? ` (${Math.round((part / whole) * 100)}%)` : "";
}

function milli(cores: number | undefined): string {
  return cores === undefined ? "?" : `${Math.round(cores * 1000)}m`;
}

function mem(bytes: number | undefined): string {
  return bytes === undefined ? "?" : formatMemory(bytes);
}

/** `pod/container cpu 26m of 500m limit (5%), memory 74Mi of 128Mi limit (58%)`. */
function containerLines(metrics: PodMetrics, pod: Pod | undefined): string[] {
  return metrics.containers.map((usage) => {
    const spec = pod?.spec.containers.find((container) => container.name === usage.name);
    const cpu = parseQuantity(usage.usage.cpu);
    const memory = parseQuantity(usage.usage.memory);
    const cpuLimit = parseQuantity(spec?.resources?.limits?.cpu);
    const memoryLimit = parseQuantity(spec?.resources?.limits?.memory);
    const cpuOf = cpuLimit ? ` of ${milli(cpuLimit)} limit${pct(cpu, cpuLimit)}` : "";
    const memoryOf = memoryLimit ? ` of ${mem(memoryLimit)} limit${pct(memory, memoryLimit)}` : "";
    return `${metrics.metadata.namespace}/${metrics.metadata.name}/${usage.name} cpu ${milli(cpu)}${cpuOf}, memory ${mem(memory)}${memoryOf}`;
  });
}

function nodeLine(metrics: NodeMetrics, node: Node | undefined): string {
  const cpu = parseQuantity(metrics.usage.cpu);
  const memory = parseQuantity(metrics.usage.memory);
  const cpuAlloc = parseQuantity(node?.status?.allocatable?.cpu);
  const memoryAlloc = parseQuantity(node?.status?.allocatable?.memory);
  return `node ${metrics.metadata.name} cpu ${milli(cpu)}${pct(cpu, cpuAlloc)}, memory ${mem(memory)}${pct(memory, memoryAlloc)} of allocatable`;
}

export const resourceUsage: AgentTool = defineTool({
  name: "resource_usage",
  structured: true,
  description:
    "CPU and memory usage now, from metrics-server (like kubectl top): each running container against its limits, and each node against its allocatable. Memory is the working set: for an OOM-killed container it sits at the limit (the kernel kills it there), so it cannot show how much more it needs. Says so when metrics-server is not installed.",
  input: z.object({
    namespace: namespaceName.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  narrowHint: "Ask for one namespace or a smaller limit.",
  async run(input, ctx) {
    const namespace = scopedNamespace(input.namespace, ctx);
    const read = await readMetrics(ctx.reader, namespace, ctx.signal);
    if (!read.podMetrics || !read.nodeMetrics) return read.status.message;
    const [pods, nodes] = await Promise.all([
      ctx.reader.list("pods", { ...(namespace ? { namespace } : {}), signal: ctx.signal }) as Promise<Pod[]>,
      ctx.reader.list("nodes", { signal: ctx.signal }) as Promise<Node[]>,
    ]);
    const podByKey = new Map(pods.map((pod) => [`${pod.metadata.namespace}/${pod.metadata.name}`, pod]));
    const lines = allowedItems(read.podMetrics, ctx).flatMap((metrics) =>
      containerLines(metrics, podByKey.get(`${metrics.metadata.namespace}/${metrics.metadata.name}`)),
    );
    const nodeByName = new Map(nodes.map((node) => [node.metadata.name, node]));
    const stamp = read.podMetrics[0]?.timestamp ?? read.nodeMetrics[0]?.timestamp ?? "?";
    return [
      `usage from metrics-server at ${stamp}${namespace ? ` in ${namespace}` : ""} (pods without a running container have none):`,
      ...lines.slice(0, input.limit),
      ...(lines.length > input.limit ? [`… ${lines.length - input.limit} more containers`] : []),
      ...read.nodeMetrics.map((metrics) => nodeLine(metrics, nodeByName.get(metrics.metadata.name))),
    ].join("\n");
  },
});
