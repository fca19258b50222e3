import type { TriageContext } from "../context.js";
import { downDependencies } from "../dependencies.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { byWorkload, inspectCommands, issuesOf, label, viewsOf } from "./common.js";
import { explainExit } from "./exit-codes.js";

/**
 * dependency-unavailable: an app failing because Services it calls (named in its logs or events,
 * `db:5432`, `db.ns.svc.cluster.local`, `"upstream":"auth-service"`, or its `*_HOST`/`*_URL` env)
 * have nothing ready behind them. The Service's own workload
 * cause becomes `causedBy` when the engine links findings, and ranks first.
 */
export function checkDependencyUnavailable(ctx: TriageContext): Finding[] {
  const pairs = issuesOf(ctx, ["crash-loop", "error-exit", "not-ready"], (issue) => !issue.init)
    .map(({ view, value }) => ({ view, value: { issue: value, all: downDependencies(ctx, view) } }))
    .filter((pair) => pair.value.all.length > 0);
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const all = group.items[0]!.value.all;
    const down = all[0]!;
    const service = down.health.ref;
    const names = all.map((mention) => mention.health.ref.name);
    const which =
      all.length === 1
        ? `Service ${service.name}, which it calls, is down (${down.health.brief})`
        : `Services ${names.join(", ")}, which it calls, are down (${all.map((m) => `${m.health.ref.name}: ${m.health.brief}`).join("; ")})`;
    const issue = group.items[0]!.value.issue;
    const how =
      issue.kind === "not-ready"
        ? "is not ready"
        : `crash-loops (${explainExit(issue.exitCode, issue.status.lastState?.terminated?.reason)})`;
    return makeFinding({
      category: "dependency-unavailable",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [
        ...all.flatMap((mention) => [mention.quote, mention.health.state]),
        ...group.items.map((item) => item.value.issue.quote),
      ],
      // Inferred from a log line plus the Service's state: strong, not kubelet-certain.
      confidence: down.failure === "refused" || down.failure === "unavailable" ? 0.8 : 0.7,
      summary: `${label(w)} ${how} because ${which}`,
      nextSteps: [
        `Fix ${names.join(" and ")} first (see ${all.length === 1 ? "its" : "their"} own root cause); ${w.name} should recover on its own once ${all.length === 1 ? `${service.name} has` : "they have"} ready endpoints.`,
      ],
      commands: [
        `${kubectl(service.namespace)} get endpoints ${service.name}`,
        ...inspectCommands(w, views[0]?.ref),
      ],
      dependsOn: all.flatMap((m) => [m.health.ref, ...m.health.workloads, ...m.health.podRefs]),
    });
  });
}
