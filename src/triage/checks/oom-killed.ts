import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { containerErrorQuotes } from "../logs.js";
import { sizeMemoryLimit } from "../proposals/memory-sizing.js";
import { parseQuantity } from "../quantity.js";
import { availabilityOf, findContainer, templateSpec } from "../workloads.js";
import { byWorkload, inspectCommands, issuesOf, label, viewsOf } from "./common.js";
import { quotaShortfall } from "./quota-room.js";

/** oom-killed: containers terminated with reason OOMKilled (exit 137 alone is not an OOM). */
export function checkOomKilled(ctx: TriageContext): Finding[] {
  return byWorkload(issuesOf(ctx, ["oom"])).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const spec = templateSpec(w.kind, group.owner.workloadObject) ?? views[0]?.pod.spec;
    // The container with the most restarts is the one to fix first.
    const worst = [...group.items].sort(
      (a, b) => b.value.status.restartCount - a.value.status.restartCount,
    )[0];
    const containerName = worst?.value.container ?? "";
    const container = findContainer(spec, containerName);
    const limit = container?.resources?.limits?.memory;
    const request = container?.resources?.requests?.memory;
    const limitQuote = `container ${containerName} resources: limits.memory ${limit ?? "<none>"}, requests.memory ${request ?? "<none>"}`;
    const logs = views.flatMap((v) => containerErrorQuotes(ctx.logs(v.pod), containerName, 2)).slice(0, 2);
    const sizing = sizeMemoryLimit(ctx, w, containerName, limit);
    const raised = sizing?.limit;
    // The new limit applies to every replica the workload runs (surge pods of a rollout aside).
    const replicas = Math.max(1, availabilityOf(w.kind, group.owner.workloadObject)?.desired ?? views.length);
    const extra = ((parseQuantity(raised) ?? 0) - (parseQuantity(limit) ?? 0)) * replicas;
    const shortfall = raised ? quotaShortfall(ctx, w.namespace, "limits.memory", extra) : undefined;
    const canRaise =
      raised !== undefined && !shortfall && ["Deployment", "StatefulSet", "DaemonSet"].includes(w.kind);
    return makeFinding({
      category: "oom-killed",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [
        ...group.items.map((item) => item.value.quote),
        limitQuote,
        ...(sizing ? [...sizing.evidence, `proposed limit ${sizing.limit}: ${sizing.basis}`] : []),
        ...logs,
        ...(shortfall ? [shortfall.line] : []),
      ],
      confidence: 0.95,
      summary: limit
        ? `${label(w)} container ${containerName} is OOMKilled: it needs more than its ${limit} memory limit`
        : `${label(w)} container ${containerName} is OOMKilled with no memory limit: the node ran out of memory`,
      nextSteps: [
        !limit
          ? `Set a memory limit and request for ${containerName} from its observed usage, and check the node's memory pressure.`
          : shortfall
            ? `Raising the memory limit to ${raised} would exceed ResourceQuota ${shortfall.quota} (new pods would be refused and the rollout would hang): raise the quota first, or find what grows the memory.`
            : raised
              ? `Raise the memory limit of ${containerName} (proposed below, bounded), then watch its memory usage; if it grows without bound it is a leak and more memory only buys time.`
              : `${containerName} is already at the ${limit} ceiling for an automatic raise: more memory is a capacity decision, or a leak to find.`,
      ],
      commands: [`${kubectl(w.namespace)} top pod --containers`, ...inspectCommands(w, views[0]?.ref)],
      ...(canRaise ? { fix: { type: "raise-memory" as const, workload: w, container: containerName } } : {}),
    });
  });
}
