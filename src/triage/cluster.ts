import type { TriageResult } from "../domain/types.js";

/**
 * Names the cluster a triage ran on, on the result and on each root cause (the triage JSON's
 * `cluster`), so two clusters' `prod-api` never read the same. No cluster: unchanged.
 */
export function nameCluster(result: TriageResult, cluster: string | undefined): TriageResult {
  if (!cluster) return result;
  return { ...result, cluster, rootCauses: result.rootCauses.map((cause) => ({ ...cause, cluster })) };
}
