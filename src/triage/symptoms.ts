import { type ResourceRef, SYMPTOM_CLASSES, type Symptom, type SymptomClass } from "../domain/types.js";
import { API_SERVER_REF } from "./checks/control-plane-degraded.js";
import { nodeNotReady } from "./checks/nodes.js";
import type { TriageContext } from "./context.js";
import type { ControlPlaneHealth } from "./control-plane.js";
import { dedupeRefs } from "./finding.js";
import { refOf } from "./owners.js";
import type { PodView } from "./pod-view.js";

const NETWORK =
  /no such host|connection refused|i\/o timeout|ECONNREFUSED|ETIMEDOUT|no route to host|name resolution|lookup \S+ on|server misbehaving|network is unreachable/i;
const STORAGE_EVENTS = ["FailedMount", "FailedAttachVolume", "FailedMapVolume", "VolumeResizeFailed"];
const PRESSURES = ["MemoryPressure", "DiskPressure", "PIDPressure"];

function podClasses(ctx: TriageContext, view: PodView): SymptomClass[] {
  const classes: SymptomClass[] = [];
  if (view.phase === "Pending") classes.push("pending-pods");
  if (!view.scheduled || view.events.some((e) => e.reason === "FailedScheduling"))
    classes.push("scheduling-failures");
  for (const issue of view.issues) {
    if (issue.kind === "image-pull") classes.push("image-pull-errors");
    if (issue.kind === "config") classes.push("config-errors");
    if (issue.kind === "oom") classes.push("oom-killed");
    if (issue.init && (issue.kind === "crash-loop" || issue.kind === "error-exit"))
      classes.push("init-failures");
    if (!issue.init && (issue.kind === "crash-loop" || issue.kind === "error-exit"))
      classes.push("crashloop-pods");
  }
  // Crash-looping pods are not ready too; this class is for pods that run but fail readiness.
  if (view.phase === "Running" && !view.healthy && view.issues.every((i) => i.kind === "not-ready")) {
    classes.push("not-ready");
  }
  if (
    view.events.some(
      (e) => STORAGE_EVENTS.includes(e.reason ?? "") || /persistentvolumeclaim/i.test(e.message ?? ""),
    )
  ) {
    classes.push("storage-issues");
  }
  const texts = [
    ...view.events.map((e) => e.message ?? ""),
    ...view.issues.map((i) => i.quote),
    ...ctx.logs(view.pod).map((l) => l.text),
  ];
  if (texts.some((t) => NETWORK.test(t))) classes.push("network-dns-issues");
  return classes;
}

/** Symptoms in the scope, each with its resources; classes with nothing in them are left out. */
export function classifySymptoms(ctx: TriageContext, controlPlane: ControlPlaneHealth): Symptom[] {
  const buckets = new Map<SymptomClass, ResourceRef[]>();
  const add = (c: SymptomClass, ref: ResourceRef) => {
    const list = buckets.get(c);
    if (list) list.push(ref);
    else buckets.set(c, [ref]);
  };
  for (const view of ctx.pods) {
    if (view.healthy && view.issues.length === 0) continue;
    for (const c of new Set(podClasses(ctx, view))) add(c, view.ref);
  }
  for (const node of ctx.snapshot.nodes) {
    const pressured = node.status?.conditions?.some((c) => PRESSURES.includes(c.type) && c.status === "True");
    if (!nodeNotReady(node) && !pressured) continue;
    const hosts = (ctx.index.podsByNode.get(node.metadata.name ?? "") ?? []).some((p) =>
      ctx.inScope(p.metadata.namespace),
    );
    if (ctx.namespace === undefined || hosts) add("node-failures", refOf("Node", node));
  }
  if (controlPlane.status === "degraded" || controlPlane.status === "unhealthy")
    add("control-plane-degraded", API_SERVER_REF);
  return SYMPTOM_CLASSES.filter((c) => buckets.has(c)).map((c) => ({
    class: c,
    resources: dedupeRefs(buckets.get(c) ?? []),
  }));
}
