import type { TriageContext } from "../context.js";
import { type Finding, groupBy, kubectl, makeFinding } from "../finding.js";
import { containerErrorQuotes } from "../logs.js";
import { refKey } from "../owners.js";
import type { PodView } from "../pod-view.js";
import { inspectCommands, label } from "./common.js";

/** An init container running this long without finishing is waiting on something that is not there. */
export const INIT_STUCK_MS = 10 * 60 * 1000;

function minutes(ms: number): string {
  return ms >= 3_600_000
    ? `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`
    : `${Math.floor(ms / 60_000)}m`;
}

/**
 * Init containers that never exit: running, no restarts, the pod stuck in Init for more than
 * INIT_STUCK_MS — typically a wait loop on a name that does not resolve. Restart counts and
 * waiting reasons show nothing; the age and the log do.
 */
export function stuckInitContainers(ctx: TriageContext): Finding[] {
  const stuck: { view: PodView; container: string; ms: number }[] = [];
  for (const view of ctx.pods) {
    if (view.healthy || view.phase !== "Pending") continue;
    for (const status of view.pod.status?.initContainerStatuses ?? []) {
      const started = Date.parse(status.state?.running?.startedAt ?? "");
      if (status.ready || Number.isNaN(started) || ctx.nowMs - started < INIT_STUCK_MS) continue;
      stuck.push({ view, container: status.name, ms: ctx.nowMs - started });
    }
  }
  return [...groupBy(stuck, (item) => refKey(item.view.owner.workload)).values()].map((items) => {
    const first = items[0]!;
    const w = first.view.owner.workload;
    const logs = items
      .flatMap((item) => containerErrorQuotes(ctx.logs(item.view.pod), item.container))
      .slice(0, 3);
    const line = logs.at(-1)?.replace(/^log [^:]+: /, "");
    return makeFinding({
      category: "init-container-failure",
      resource: w,
      affected: items.map((item) => item.view.ref),
      evidence: [
        ...items.map(
          (item) =>
            `Pod ${item.view.ref.namespace}/${item.view.ref.name} init container ${item.container}: running for ${minutes(item.ms)} without finishing (0 restarts); the pod is stuck in Init`,
        ),
        ...logs,
      ],
      confidence: logs.length > 0 ? 0.85 : 0.65,
      summary: `${label(w)} init container ${first.container} has been waiting ${minutes(first.ms)} and never finishes${line ? `: ${line}` : ""}`,
      nextSteps: [
        `Give init container ${first.container} what it waits for (the log names it: a Service, a DNS name, a file); the pod starts once it exits 0.`,
      ],
      commands: [
        `${kubectl(w.namespace)} logs ${first.view.ref.name} -c ${first.container} --tail=20`,
        ...inspectCommands(w, first.view.ref),
      ],
    });
  });
}
