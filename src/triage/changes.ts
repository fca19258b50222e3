import { buildTimeline, CHANGE_WINDOW_MS, explainingChanges, managedByFor } from "../changes/index.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { Change } from "../domain/changes.js";
import type { Workload } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import type { TriageContext } from "./context.js";
import type { Finding } from "./finding.js";
import { objectKey } from "./snapshot-index.js";

/**
 * The bridge from the change timeline (src/changes) to the engine's findings: which changes
 * explain each cause, a rollback fix for a crash that a new image explains, and what a managing
 * tool (Helm, Argo CD, Flux) means for each proposal.
 */

const TIMELINE = "changes:timeline";

/** The scope's timeline, built once per triage. */
export function timelineOf(ctx: TriageContext): Change[] {
  const cached = ctx.memo.get(TIMELINE) as Change[] | undefined;
  if (cached) return cached;
  const timeline = buildTimeline(
    ctx.snapshot,
    ctx.namespace === undefined ? {} : { namespace: ctx.namespace },
  );
  ctx.memo.set(TIMELINE, timeline);
  return timeline;
}

function eventStartMs(event: {
  firstTimestamp?: string;
  eventTime?: string;
  lastTimestamp?: string;
}): number | undefined {
  const value = Date.parse(event.firstTimestamp ?? event.eventTime ?? event.lastTimestamp ?? "");
  return Number.isNaN(value) ? undefined : value;
}

/** The earliest failure the snapshot shows for a cause: its objects' first Warning event. */
function firstFailureMs(ctx: TriageContext, refs: ResourceRef[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const ref of refs) {
    const object = ctx.index.byKey.get(objectKey(ref.kind, ref.namespace, ref.name));
    if (!object) continue;
    for (const event of ctx.events(ref.kind, object)) {
      if (event.type !== "Warning") continue;
      const at = eventStartMs(event);
      // A warning older than the window is an old incident, not this one's start.
      if (at !== undefined && at < first && ctx.nowMs - at <= CHANGE_WINDOW_MS) first = at;
    }
  }
  return Number.isFinite(first) ? first : ctx.nowMs;
}

const ROLLBACK_WHEN_EXPLAINED = new Set(["crash-loop", "probe-failure", "init-container-failure"]);

/** Sets `changes` on every finding a change explains, and a rollback fix where a new image explains a crash. */
export function attachChanges(ctx: TriageContext, findings: Finding[]): void {
  const timeline = timelineOf(ctx);
  if (timeline.length === 0) return;
  const sources = {
    get: (ref: ResourceRef) => ctx.index.byKey.get(objectKey(ref.kind, ref.namespace, ref.name)),
    secrets: ctx.snapshot.secrets,
  };
  for (const finding of findings) {
    const changes = explainingChanges(
      timeline,
      {
        category: finding.category,
        resource: finding.resource,
        affected: finding.affected,
        firstFailureMs: firstFailureMs(ctx, [finding.resource, ...finding.affected]),
      },
      sources,
    );
    if (changes.length === 0) continue;
    finding.changes = changes;
    const imageRollout = changes.find(
      (c) =>
        c.kind === "rollout" &&
        c.resource.kind === "Deployment" &&
        c.details.some((d) => d.includes("image ")),
    );
    if (!finding.fix && imageRollout && ROLLBACK_WHEN_EXPLAINED.has(finding.category)) {
      const deployment = sources.get(imageRollout.resource) as Workload | undefined;
      const spec = deployment?.spec?.template?.spec;
      const failingImages = Object.fromEntries(
        [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c) =>
          c.image ? [[c.name, c.image]] : [],
        ),
      );
      finding.fix = { type: "rollback", workload: imageRollout.resource, failingImages };
    }
  }
}

/** Notes on proposals whose target Helm or a GitOps controller manages (warning, git patch, helm rollback). */
export function annotateManaged(ctx: TriageContext, proposals: RemediationProposal[]): RemediationProposal[] {
  return proposals.map((proposal) => {
    const t = proposal.target;
    const target = ctx.index.byKey.get(objectKey(t.kind, t.namespace, t.name));
    const managedBy = managedByFor(proposal, ctx.snapshot, target);
    return managedBy ? { ...proposal, managedBy } : proposal;
  });
}
