import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { downDependency } from "../dependencies.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { containerErrorQuotes } from "../logs.js";
import { networkBlock } from "../network-policies.js";
import { serviceHealth } from "../services.js";
import { byWorkload, inspectCommands, issuesOf, label, podEventQuotes, viewsOf } from "./common.js";
import { explainExit } from "./exit-codes.js";

/**
 * A hint, not a link: Services of the namespace that the quoted log lines name as plain words
 * (`"upstream":"auth-service"`) and that are down themselves. Too weak for `causedBy`, worth a line.
 */
function downServicesNamed(ctx: TriageContext, workload: ResourceRef, quotes: string[]): string[] {
  const services = (ctx.index.servicesByNamespace.get(workload.namespace) ?? []).filter(
    (s) => s.metadata.name !== workload.name,
  );
  if (services.length === 0 || quotes.length === 0) return [];
  // Only the log text: the quote's own `log ns/pod [container]:` prefix names this workload.
  const text = quotes.map((q) => q.replace(/^log [^:]+: /, "")).join(" ");
  const words = new Set(text.match(/[a-z0-9]([-a-z0-9]*[a-z0-9])?/g) ?? []);
  const down = services
    .filter(
      (s) => s.metadata.name !== undefined && words.has(s.metadata.name) && s.metadata.name.includes("-"),
    )
    .filter((s) => !serviceHealth(ctx, s).up)
    .map((s) => s.metadata.name);
  return down.length > 0
    ? [
        `Its log names ${down.join(", ")}, which ${down.length === 1 ? "is" : "are"} down too: fix ${down.length === 1 ? "it" : "them"} first, then see whether this recovers.`,
      ]
    : [];
}

/**
 * crash-loop: app containers that keep exiting, when nothing more specific explains it (OOMKilled,
 * a dependency that is down). No restart is proposed: restarting a crash loop changes nothing.
 */
export function checkCrashLoop(ctx: TriageContext): Finding[] {
  const pairs = issuesOf(
    ctx,
    ["crash-loop", "error-exit"],
    (issue, view) => !issue.init && !downDependency(ctx, view) && !networkBlock(ctx, view),
  );
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const worst = [...group.items].sort(
      (a, b) => b.value.status.restartCount - a.value.status.restartCount,
    )[0];
    const container = worst?.value.container ?? "";
    const last = worst?.value.status.lastState?.terminated ?? worst?.value.status.state?.terminated;
    const exit = worst?.value.exitCode;
    const probeKills = podEventQuotes(views, ["Unhealthy", "Killing"], /liveness probe/i);
    const logs = views.flatMap((v) => containerErrorQuotes(ctx.logs(v.pod), container)).slice(0, 3);
    let why = explainExit(exit, last?.reason);
    if ((exit === 137 || exit === 143) && probeKills.length > 0) {
      why = `${why}; its liveness probe is failing, so the kubelet kills it`;
    }
    const first = views[0];
    return makeFinding({
      category: "crash-loop",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [...group.items.map((item) => item.value.quote), ...probeKills.slice(0, 3), ...logs],
      confidence: logs.length > 0 || probeKills.length > 0 ? 0.85 : 0.7,
      summary: `${label(w)} container ${container} ${worst?.value.kind === "error-exit" ? "terminated with an error" : "is crash-looping"}: ${why}`,
      nextSteps: [
        ...downServicesNamed(ctx, w, logs),
        logs.length > 0
          ? "Fix what the log says (configuration, dependency, code) and roll out; a restart alone will crash again."
          : "Read the previous container's log to see why it exits; a restart alone will crash again.",
        ...(probeKills.length > 0
          ? ["If the app is merely slow, relax the liveness probe (initialDelaySeconds / failureThreshold)."]
          : []),
      ],
      commands: [
        ...(first ? [`${kubectl(w.namespace)} logs ${first.ref.name} -c ${container} --previous`] : []),
        ...inspectCommands(w, first?.ref),
      ],
    });
  });
}
