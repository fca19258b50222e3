import type { RemediationProposal } from "../../domain/actions.js";
import type { KubeObject, PersistentVolumeClaim, StorageClass } from "../../domain/kube.js";
import { pvcManifestText } from "../../domain/pvc-manifest.js";
import { defaultStorageClass } from "../checks/pvc-pending.js";
import type { TriageContext } from "../context.js";
import { parseQuantity } from "../quantity.js";
import { finalize } from "./build.js";

/** Size used when nothing in the cluster hints at one; small on purpose (claims can grow, not shrink). */
export const FALLBACK_CLAIM_SIZE = "1Gi";

interface SizeChoice {
  size: string;
  accessModes: string[];
  how: string;
}

type PersistentVolume = KubeObject & {
  spec?: {
    capacity?: { storage?: string };
    accessModes?: string[];
    claimRef?: { namespace?: string; name?: string };
  };
  status?: { phase?: string };
};

/**
 * The size of a claim to recreate: the capacity of the Released volume that was bound to a claim
 * of that name (the data's old home), else the most common requested size among the namespace's
 * claims (ties go to the larger), else FALLBACK_CLAIM_SIZE.
 */
export function inferClaimSize(ctx: TriageContext, namespace: string, name: string): SizeChoice {
  const previous = (ctx.snapshot.persistentVolumes as PersistentVolume[]).find(
    (pv) => pv.spec?.claimRef?.namespace === namespace && pv.spec?.claimRef?.name === name,
  );
  const pvSize = previous?.spec?.capacity?.storage;
  if (previous && pvSize && parseQuantity(pvSize) !== undefined) {
    return {
      size: pvSize,
      accessModes: previous.spec?.accessModes?.length ? previous.spec.accessModes : ["ReadWriteOnce"],
      how: `the capacity of PersistentVolume ${previous.metadata.name} that was bound to ${name} (${previous.status?.phase ?? "unknown phase"})`,
    };
  }
  const counts = new Map<string, { count: number; bytes: number }>();
  for (const claim of ctx.index.claimsByNamespace.get(namespace) ?? ([] as PersistentVolumeClaim[])) {
    const size = claim.spec?.resources?.requests?.storage;
    const bytes = parseQuantity(size);
    if (!size || bytes === undefined) continue;
    const entry = counts.get(size) ?? { count: 0, bytes };
    entry.count += 1;
    counts.set(size, entry);
  }
  const best = [...counts.entries()].sort((a, b) => b[1].count - a[1].count || b[1].bytes - a[1].bytes)[0];
  if (best) {
    return {
      size: best[0],
      accessModes: ["ReadWriteOnce"],
      how: `the most common request among the ${[...counts.values()].reduce((s, e) => s + e.count, 0)} other claim(s) in ${namespace} (${best[1].count} ask for ${best[0]})`,
    };
  }
  return {
    size: FALLBACK_CLAIM_SIZE,
    accessModes: ["ReadWriteOnce"],
    how: `no other claim in ${namespace} to infer from, so the ${FALLBACK_CLAIM_SIZE} default`,
  };
}

function chooseClass(classes: StorageClass[]): { name: string; how: string } | undefined {
  const preferred = defaultStorageClass(classes);
  if (preferred?.metadata.name)
    return { name: preferred.metadata.name, how: "the cluster's default StorageClass" };
  const only = classes.length === 1 ? classes[0]?.metadata.name : undefined;
  return only ? { name: only, how: "the only StorageClass (none is marked default)" } : undefined;
}

/** create-pvc for each missing claim, when a StorageClass can be chosen without guessing. */
export function proposeCreatePvc(
  ctx: TriageContext,
  rootCauseId: string,
  namespace: string,
  claimNames: string[],
): RemediationProposal[] {
  const storageClass = chooseClass(ctx.snapshot.storageClasses);
  if (!storageClass) return [];
  const proposals: RemediationProposal[] = [];
  for (const name of claimNames) {
    const choice = inferClaimSize(ctx, namespace, name);
    const proposal = finalize({
      action: {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace, name },
        params: { storageClassName: storageClass.name, size: choice.size, accessModes: choice.accessModes },
      },
      rootCauseId,
      summary: `Create PersistentVolumeClaim ${namespace}/${name} (${choice.size}, ${choice.accessModes.join(", ")}) with StorageClass ${storageClass.name}, ${storageClass.how}; size from ${choice.how}. The new volume is EMPTY: if the claim held data, restore it from backup instead.`,
      // The manifest the executor will POST, verbatim.
      change: pvcManifestText(
        { namespace, name },
        { storageClassName: storageClass.name, size: choice.size, accessModes: choice.accessModes },
      ),
      preconditions: { mustNotExist: true },
    });
    if (proposal) proposals.push(proposal);
  }
  return proposals;
}
