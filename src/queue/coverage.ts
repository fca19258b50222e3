import type { CollectionGap, TriageResult } from "../domain/types.js";

/**
 * When an investigation could read nothing it needed, "no problems found" would be a lie shown
 * in green: a bot without permission to list pods sees no crashing pods. Such a run is a failure
 * to investigate, and says which permissions are missing.
 */

/** Without these the triage cannot see what runs or what happened. */
const ESSENTIAL = ["pods"];

/** "list pods, events in prod-api; read version": the refused reads, grouped by verb and scope. */
export function missingPermissions(gaps: readonly CollectionGap[]): string[] {
  const grouped = new Map<string, string[]>();
  for (const gap of gaps) {
    if (gap.reason !== "forbidden") continue;
    const verb = /^no permission to (\w+)/.exec(gap.message)?.[1] ?? "read";
    const scope = `${verb}\u0000${gap.namespace ?? ""}`;
    const resources = grouped.get(scope) ?? [];
    if (!resources.includes(gap.resource)) resources.push(gap.resource);
    grouped.set(scope, resources);
  }
  return [...grouped.entries()].map(([scope, resources]) => {
    const [verb, namespace] = scope.split("\u0000");
    return `${verb} ${resources.join(", ")}${namespace ? ` in ${namespace}` : ""}`;
  });
}

/**
 * The reason an investigation must be reported as failed because its identity could read
 * nothing essential (pods forbidden and no cause found from what was readable), or undefined.
 */
export function unreadableReason(triage: TriageResult): string | undefined {
  const forbidden = new Set(
    triage.gaps.filter((gap) => gap.reason === "forbidden").map((gap) => gap.resource),
  );
  if (!ESSENTIAL.every((resource) => forbidden.has(resource)) || triage.rootCauses.length > 0)
    return undefined;
  const namespace = triage.namespace === "*" ? "all namespaces" : triage.namespace;
  return `could not investigate ${namespace}: the bot's Kubernetes identity was refused (403) the reads triage needs — missing permissions: ${missingPermissions(triage.gaps).join("; ")}. Grant get/list/watch on these to the reader identity (the Helm chart's reader ClusterRole), then try again.`;
}
