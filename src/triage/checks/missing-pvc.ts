import type { PersistentVolumeClaim } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import type { PodView } from "../pod-view.js";
import { kindUnknown } from "../presence.js";
import { objectKey } from "../snapshot-index.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import { CLAIM_NOT_FOUND, schedulingEvidence } from "./scheduling.js";

interface MissingClaim {
  claim: string;
  quote: string;
  fromScheduler: boolean;
}

function missingClaims(ctx: TriageContext, view: PodView, claimsListed: boolean): MissingClaim[] {
  const found: MissingClaim[] = [];
  const scheduling = schedulingEvidence(view);
  const storageEvents = view.events.filter(
    // FailedScheduling is already in the scheduling evidence; this adds FailedMount and the like.
    (e) =>
      e.type === "Warning" &&
      e.reason !== "FailedScheduling" &&
      /persistentvolumeclaim/i.test(e.message ?? ""),
  );
  scheduling.messages.forEach((message, i) => {
    for (const match of message.matchAll(CLAIM_NOT_FOUND)) {
      if (match[1])
        found.push({ claim: match[1], quote: scheduling.quotes[i] ?? message, fromScheduler: true });
    }
  });
  for (const event of storageEvents) {
    for (const match of (event.message ?? "").matchAll(CLAIM_NOT_FOUND)) {
      if (match[1]) found.push({ claim: match[1], quote: quoteEvent(event), fromScheduler: true });
    }
  }
  if (claimsListed) {
    for (const volume of view.pod.spec.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (!claim || ctx.index.byKey.has(objectKey("PersistentVolumeClaim", view.ref.namespace, claim)))
        continue;
      found.push({
        claim,
        quote: `Pod ${view.ref.namespace}/${view.ref.name} volume ${volume.name} references PersistentVolumeClaim ${claim}, which does not exist in ${view.ref.namespace}`,
        fromScheduler: false,
      });
    }
  }
  return found;
}

/** missing-pvc: pods that cannot schedule because a claim they mount does not exist. */
export function checkMissingPvc(ctx: TriageContext): Finding[] {
  const claimsListed = !kindUnknown(ctx, "PersistentVolumeClaim");
  const pairs: { view: PodView; value: MissingClaim }[] = [];
  for (const view of ctx.pods) {
    if (view.healthy || view.phase !== "Pending") continue;
    for (const value of missingClaims(ctx, view, claimsListed)) {
      // The claim may have been created since the scheduler complained.
      const exists = ctx.index.byKey.get(
        objectKey("PersistentVolumeClaim", view.ref.namespace, value.claim),
      ) as PersistentVolumeClaim | undefined;
      if (!exists) pairs.push({ view, value });
    }
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const claims = [...new Set(group.items.map((item) => item.value.claim))];
    const fromScheduler = group.items.some((item) => item.value.fromScheduler);
    return makeFinding({
      category: "missing-pvc",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: group.items.map((item) => item.value.quote),
      confidence: fromScheduler ? 0.95 : 0.85,
      summary: `${label(w)} cannot be scheduled: PersistentVolumeClaim ${claims.join(", ")} does not exist in ${w.namespace}`,
      nextSteps: [
        `If ${claims.join(", ")} held data (it was deleted), do not create an empty claim: restore it from backup or re-bind the Released PersistentVolume.`,
        "Otherwise create the claim (proposed below); the scheduler retries and the pods start once it is Bound.",
      ],
      commands: [
        ...claims.map((claim) => `kubectl get pv -o wide | grep ${w.namespace}/${claim}`),
        `${kubectl(w.namespace)} get pvc`,
        "kubectl get storageclass",
        ...inspectCommands(w, views[0]?.ref),
      ],
      fix: { type: "create-pvc", namespace: w.namespace, claimNames: claims },
    });
  });
}
