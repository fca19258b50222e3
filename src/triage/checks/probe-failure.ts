import type { Probe } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { downDependency } from "../dependencies.js";
import { eventTimeMs, quoteEvent } from "../events.js";
import { type Finding, makeFinding } from "../finding.js";
import { networkBlock } from "../network-policies.js";
import type { PodView } from "../pod-view.js";
import { findContainer, templateSpec } from "../workloads.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";

const PROBE_FAILED = /^(Readiness|Liveness|Startup) probe failed/i;
const PROBE_TIMEOUT = /context deadline exceeded|Client\.Timeout|timeout|timed out/i;

function describeProbe(kind: string, probe: Probe | undefined): string {
  if (!probe) return `${kind}: none`;
  const target = probe.httpGet
    ? `httpGet ${probe.httpGet.path ?? "/"} port ${probe.httpGet.port}`
    : probe.tcpSocket
      ? `tcpSocket port ${probe.tcpSocket.port}`
      : probe.exec
        ? `exec ${(probe.exec.command ?? []).join(" ")}`
        : "unknown";
  return `${kind}: ${target}, initialDelaySeconds ${probe.initialDelaySeconds ?? 0}, timeoutSeconds ${probe.timeoutSeconds ?? 1}, failureThreshold ${probe.failureThreshold ?? 3}`;
}

interface ProbeSighting {
  container: string;
  kind: "readinessProbe" | "livenessProbe" | "startupProbe";
  quote: string;
  timeout: boolean;
}

function containerOf(view: PodView, fieldPath: string | undefined): string {
  const match = /spec\.(?:initContainers|containers)\{([^}]+)\}/.exec(fieldPath ?? "");
  return match?.[1] ?? view.pod.spec.containers[0]?.name ?? "";
}

/** Not ready for under STARTUP_GRACE_MS with only a failure or two: a pod warming up mid-rollout. */
const STARTUP_GRACE_MS = 2 * 60 * 1000;
function justStarting(ctx: TriageContext, view: PodView): boolean {
  const since = Date.parse(
    view.pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "",
  );
  const failures = Math.max(
    0,
    ...view.events.filter((e) => e.reason === "Unhealthy").map((e) => e.count ?? 1),
  );
  return !Number.isNaN(since) && ctx.nowMs - since < STARTUP_GRACE_MS && failures < 3;
}

/** Liveness failures this recent, on a pod still Ready and never restarted, are a kill coming. */
const LIVENESS_RECENT_MS = 10 * 60 * 1000;

/**
 * A Ready pod whose liveness probe keeps failing (repeated, recent Unhealthy events) before the
 * kubelet has restarted it: it looks alive, and is about to be killed.
 */
function livenessWarnings(ctx: TriageContext, view: PodView): { view: PodView; value: ProbeSighting }[] {
  const restarted = (view.pod.status?.containerStatuses ?? []).some((s) => s.restartCount > 0);
  if (restarted) return [];
  return ctx
    .events("Pod", view.pod)
    .filter((event) => {
      const time = eventTimeMs(event);
      return (
        event.type === "Warning" &&
        event.reason === "Unhealthy" &&
        /^Liveness probe failed/i.test(event.message ?? "") &&
        (event.count ?? 1) >= 2 &&
        time !== undefined &&
        ctx.nowMs - time <= LIVENESS_RECENT_MS
      );
    })
    .map((event) => ({
      view,
      value: {
        container: containerOf(view, event.involvedObject.fieldPath),
        kind: "livenessProbe" as const,
        quote: quoteEvent(event),
        timeout: PROBE_TIMEOUT.test(event.message ?? ""),
      },
    }));
}

/**
 * probe-failure: containers that run but fail their probes (not ready, or restarted by liveness
 * without being in a crash loop — crash-loop owns those). Timeouts get a bounded probe patch.
 */
export function checkProbeFailure(ctx: TriageContext): Finding[] {
  const pairs: { view: PodView; value: ProbeSighting }[] = [];
  for (const view of ctx.pods) {
    if (view.phase !== "Running") continue;
    if (view.healthy) {
      pairs.push(...livenessWarnings(ctx, view));
      continue;
    }
    if (view.issues.some((i) => i.kind !== "not-ready")) continue;
    if (downDependency(ctx, view) || networkBlock(ctx, view) || justStarting(ctx, view)) continue;
    for (const event of view.events) {
      const match = PROBE_FAILED.exec(event.message ?? "");
      if (event.reason !== "Unhealthy" || !match?.[1]) continue;
      const kind = `${match[1].toLowerCase()}Probe` as ProbeSighting["kind"];
      pairs.push({
        view,
        value: {
          container: containerOf(view, event.involvedObject.fieldPath),
          kind,
          quote: quoteEvent(event),
          timeout: PROBE_TIMEOUT.test(event.message ?? ""),
        },
      });
    }
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const first = group.items[0]?.value;
    const container = first?.container ?? "";
    const spec = templateSpec(w.kind, group.owner.workloadObject) ?? views[0]?.pod.spec;
    const c = findContainer(spec, container);
    const probeKind = first?.kind ?? "readinessProbe";
    const timeouts = group.items.filter(
      (i) => i.value.timeout && i.value.container === container && i.value.kind === probeKind,
    );
    const patchable =
      timeouts.length > 0 &&
      probeKind !== "startupProbe" &&
      ["Deployment", "StatefulSet", "DaemonSet"].includes(w.kind);
    return makeFinding({
      category: "probe-failure",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [
        ...group.items.map((i) => i.value.quote),
        `container ${container} ${describeProbe(probeKind, c?.[probeKind] as Probe | undefined)}`,
        ...views.flatMap((v) => v.issues.map((i) => i.quote)).slice(0, 3),
      ],
      // Still Ready: the kill is coming, not here, and a probe can recover.
      confidence: views.every((v) => v.healthy) ? 0.65 : 0.85,
      summary: views.every((v) => v.healthy)
        ? `${label(w)} container ${container} keeps failing its livenessProbe${timeouts.length > 0 ? " (the check times out)" : ""} while still Ready, with no restart yet: the kubelet kills it once failureThreshold is reached`
        : `${label(w)} container ${container} fails its ${probeKind}${timeouts.length > 0 ? " (the check times out)" : ""}, so it gets no traffic`,
      nextSteps: [
        timeouts.length > 0
          ? "The probe times out: the app answers too slowly (load, a slow dependency behind the health endpoint) or the timeout is too tight."
          : "The probe gets an error answer: check the health endpoint's path and port against the app, and what the app reports there.",
      ],
      commands: inspectCommands(w, views[0]?.ref),
      ...(patchable
        ? {
            fix: {
              type: "probe-timeout" as const,
              workload: w,
              container,
              probe: probeKind as "readinessProbe" | "livenessProbe",
            },
          }
        : {}),
    });
  });
}
