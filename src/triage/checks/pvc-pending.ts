import type { PersistentVolumeClaim, StorageClass } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import type { PodView } from "../pod-view.js";
import { objectKey } from "../snapshot-index.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import { schedulingEvidence } from "./scheduling.js";

/** Annotations that mark the default StorageClass (the beta one is still set by older installers). */
export const DEFAULT_CLASS_ANNOTATIONS = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

/** The cluster's default StorageClass, if one is marked. */
export function defaultStorageClass(classes: StorageClass[]): StorageClass | undefined {
  return classes.find((sc) => DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === "true"));
}

/** Why a claim is not binding, in words, from its spec and the StorageClasses that exist. */
function diagnoseClaim(ctx: TriageContext, claim: PersistentVolumeClaim): { text: string; certain: boolean } {
  const name = claim.spec?.storageClassName;
  const classes = ctx.snapshot.storageClasses;
  if (name && classes.length > 0 && !classes.some((sc) => sc.metadata.name === name)) {
    return { text: `StorageClass ${name} does not exist`, certain: true };
  }
  if (name === undefined && !claim.spec?.volumeName && classes.length > 0 && !defaultStorageClass(classes)) {
    return { text: "it names no StorageClass and the cluster has no default StorageClass", certain: true };
  }
  return { text: `it is ${claim.status?.phase ?? "not bound"}`, certain: false };
}

interface PendingClaim {
  claim: PersistentVolumeClaim;
  quotes: string[];
  diagnosis: { text: string; certain: boolean };
}

/** pvc-pending: pods waiting on claims that exist but are not Bound. */
export function checkPvcPending(ctx: TriageContext): Finding[] {
  const pairs: { view: PodView; value: PendingClaim }[] = [];
  for (const view of ctx.pods) {
    if (view.healthy || view.phase !== "Pending") continue;
    for (const volume of view.pod.spec.volumes ?? []) {
      const name = volume.persistentVolumeClaim?.claimName;
      if (!name) continue;
      const claim = ctx.index.byKey.get(objectKey("PersistentVolumeClaim", view.ref.namespace, name)) as
        | PersistentVolumeClaim
        | undefined;
      if (!claim || claim.status?.phase === "Bound") continue;
      const claimEvents = ctx.events("PersistentVolumeClaim", claim).filter((e) => e.type === "Warning");
      const quotes = [
        `PersistentVolumeClaim ${view.ref.namespace}/${name} is ${claim.status?.phase ?? "Pending"} (storageClassName: ${claim.spec?.storageClassName ?? "<default>"})`,
        ...claimEvents.slice(0, 3).map(quoteEvent),
        ...schedulingEvidence(view).quotes.filter((q) => /PersistentVolumeClaim|volume/i.test(q)),
      ];
      const diagnosis = diagnoseClaim(ctx, claim);
      pairs.push({
        view,
        value: {
          claim,
          quotes,
          diagnosis: { ...diagnosis, certain: diagnosis.certain || claimEvents.length > 0 },
        },
      });
    }
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const claims = [...new Map(group.items.map((i) => [i.value.claim.metadata.name, i.value])).values()];
    const certain = claims.some((c) => c.diagnosis.certain);
    return makeFinding({
      category: "pvc-pending",
      resource: w,
      affected: [...views.map((v) => v.ref), ...claims.map((c) => refOf("PersistentVolumeClaim", c.claim))],
      evidence: group.items.flatMap((item) => item.value.quotes),
      confidence: certain ? 0.9 : 0.75,
      summary: `${label(w)} waits for PersistentVolumeClaim ${claims
        .map((c) => `${c.claim.metadata.name} (${c.diagnosis.text})`)
        .join(", ")}`,
      nextSteps: [
        "Fix the claim's StorageClass or the provisioner it uses; a claim's storageClassName cannot be changed, so a wrong one means recreating the (still empty) claim.",
      ],
      commands: [
        ...claims.map((c) => `${kubectl(w.namespace)} describe pvc ${c.claim.metadata.name}`),
        "kubectl get storageclass",
        ...inspectCommands(w, views[0]?.ref),
      ],
    });
  });
}
