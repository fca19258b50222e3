import type { ResourceQuota } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { parseQuantity } from "../quantity.js";

/** A quota that a proposed change would push past its hard limit. */
export interface QuotaShortfall {
  quota: string;
  /** `limits.memory 3584Mi/4Gi used, the change adds 512Mi` — for the operator. */
  line: string;
}

/**
 * Whether `extraBytes` more of `resource` (e.g. `limits.memory`) fits the namespace's
 * ResourceQuotas. A Deployment patch passes admission even when its new pods will not: the
 * ReplicaSet is refused later and the rollout hangs, so this is checked before proposing.
 */
export function quotaShortfall(
  ctx: TriageContext,
  namespace: string,
  resource: string,
  extraBytes: number,
): QuotaShortfall | undefined {
  for (const quota of ctx.snapshot.resourceQuotas as ResourceQuota[]) {
    if (quota.metadata.namespace !== namespace) continue;
    const hardText = quota.status?.hard?.[resource] ?? quota.spec?.hard?.[resource];
    const hard = parseQuantity(hardText);
    if (hard === undefined) continue;
    const usedText = quota.status?.used?.[resource] ?? "0";
    const used = parseQuantity(usedText) ?? 0;
    if (used + extraBytes > hard) {
      const mib = Math.ceil(extraBytes / 2 ** 20);
      return {
        quota: quota.metadata.name ?? "",
        line: `ResourceQuota ${namespace}/${quota.metadata.name}: ${resource} ${usedText}/${hardText} used; raising the limit adds ${mib}Mi`,
      };
    }
  }
  return undefined;
}
