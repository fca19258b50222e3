import type { TriageContext } from "../context.js";
import { dependencyMentions } from "../dependencies.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { containerErrorQuotes } from "../logs.js";
import { refKey } from "../owners.js";
import { byWorkload, inspectCommands, issuesOf, label, viewsOf } from "./common.js";
import { explainExit } from "./exit-codes.js";
import { stuckInitContainers } from "./init-stuck.js";

/**
 * init-container-failure: an init container that exits non-zero keeps the pod in Init:*, or one
 * that never exits (a wait loop on a name that does not resolve). When the log names a Service
 * that is down, that Service's own cause becomes `causedBy`.
 */
export function checkInitContainerFailure(ctx: TriageContext): Finding[] {
  const pairs = issuesOf(ctx, ["crash-loop", "error-exit"], (issue) => issue.init);
  const failing = byWorkload(pairs);
  const named = new Set(failing.map((group) => refKey(group.workload)));
  const stuck = stuckInitContainers(ctx).filter((f) => !named.has(refKey(f.resource)));
  return [
    ...stuck,
    ...failing.map((group) => {
      const w = group.workload;
      const views = viewsOf(group);
      const containers = [...new Set(group.items.map((item) => item.value.container))];
      const logs = views
        .flatMap((v) => containers.flatMap((c) => containerErrorQuotes(ctx.logs(v.pod), c)))
        .slice(0, 3);
      const first = group.items[0]?.value;
      const exit = first?.exitCode;
      const reason = (first?.status.lastState?.terminated ?? first?.status.state?.terminated)?.reason;
      const down = views
        .flatMap((v) => dependencyMentions(ctx, v))
        .find((m) => !m.health.up && (m.container === undefined || containers.includes(m.container)));
      const logLine = logs[0]?.replace(/^log [^:]+: /, "");
      return makeFinding({
        category: "init-container-failure",
        resource: w,
        affected: views.map((v) => v.ref),
        evidence: [
          ...group.items.map((item) => item.value.quote),
          ...logs,
          ...(down ? [down.health.state] : []),
        ],
        confidence: logs.length > 0 ? 0.9 : 0.75,
        summary: `${label(w)} init container ${containers.join(", ")} fails (${explainExit(exit, reason)})${
          logLine ? `: ${logLine}` : ""
        }`,
        nextSteps: [
          `Fix what init container ${containers.join(", ")} needs (the log says what it could not do); the pod retries it on its own.`,
        ],
        commands: [
          ...views
            .slice(0, 1)
            .map((v) => `${kubectl(w.namespace)} logs ${v.ref.name} -c ${containers[0]} --previous`),
          ...inspectCommands(w, views[0]?.ref),
        ],
        ...(down ? { dependsOn: [down.health.ref, ...down.health.workloads, ...down.health.podRefs] } : {}),
      });
    }),
  ];
}
