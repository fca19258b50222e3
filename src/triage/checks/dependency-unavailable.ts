import type { TriageContext } from "../context.js";
import { downDependency } from "../dependencies.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { byWorkload, inspectCommands, issuesOf, label, viewsOf } from "./common.js";
import { explainExit } from "./exit-codes.js";

/**
 * dependency-unavailable: an app failing because a Service it calls (named in its logs or events,
 * `db:5432`, `db.ns.svc.cluster.local`) has nothing ready behind it. The Service's own workload
 * cause becomes `causedBy` when the engine links findings, and ranks first.
 */
export function checkDependencyUnavailable(ctx: TriageContext): Finding[] {
  const pairs = issuesOf(ctx, ["crash-loop", "error-exit", "not-ready"], (issue) => !issue.init)
    .map(({ view, value }) => ({ view, value: { issue: value, down: downDependency(ctx, view) } }))
    .filter((pair) => pair.value.down !== undefined);
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const down = group.items[0]!.value.down!;
    const service = down.health.ref;
    const issue = group.items[0]!.value.issue;
    const how =
      issue.kind === "not-ready"
        ? "is not ready"
        : `crash-loops (${explainExit(issue.exitCode, issue.status.lastState?.terminated?.reason)})`;
    return makeFinding({
      category: "dependency-unavailable",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [down.quote, down.health.state, ...group.items.map((item) => item.value.issue.quote)],
      // Inferred from a log line plus the Service's state: strong, not kubelet-certain.
      confidence: down.failure === "refused" ? 0.8 : 0.7,
      summary: `${label(w)} ${how} because Service ${service.name}, which it calls, is down (${down.health.brief})`,
      nextSteps: [
        `Fix ${service.name} first (see its own root cause); ${w.name} should recover on its own once ${service.name} has ready endpoints.`,
      ],
      commands: [
        `${kubectl(service.namespace)} get endpoints ${service.name}`,
        ...inspectCommands(w, views[0]?.ref),
      ],
      dependsOn: [service, ...down.health.workloads, ...down.health.podRefs],
    });
  });
}
