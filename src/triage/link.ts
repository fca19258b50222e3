import type { Finding } from "./finding.js";
import { dedupeRefs } from "./finding.js";
import { refKey } from "./owners.js";

function indexBy(
  findings: Finding[],
  refs: (f: Finding) => { kind: string; namespace: string; name: string }[],
) {
  const map = new Map<string, Finding[]>();
  for (const f of findings) {
    for (const ref of refs(f)) {
      const list = map.get(refKey(ref));
      if (list) list.push(f);
      else map.set(refKey(ref), [f]);
    }
  }
  return map;
}

/**
 * Follows dependency chains: a finding that waits on objects (a Service, the workloads and pods
 * behind it) gets `causedBy` = the root cause found for those objects — one whose resource is one
 * of them, else one that lists them as affected (a NotReady node holding the database's pod) —
 * and that cause lists the dependent among its `affected`. Cycles are never closed.
 */
export function linkDependencies(findings: Finding[]): void {
  const byResource = indexBy(findings, (f) => [f.resource]);
  const byAffected = indexBy(findings, (f) => f.affected);
  const byId = new Map(findings.map((f) => [f.id, f]));
  const reaches = (from: Finding, target: string): boolean => {
    const seen = new Set<string>();
    let cursor: Finding | undefined = from;
    while (cursor?.causedBy && !seen.has(cursor.id)) {
      if (cursor.causedBy === target) return true;
      seen.add(cursor.id);
      cursor = byId.get(cursor.causedBy);
    }
    return false;
  };
  const rank = (a: Finding, b: Finding) =>
    Number(a.category === "dependency-unavailable") - Number(b.category === "dependency-unavailable") ||
    b.confidence - a.confidence;
  for (const f of findings) {
    if (!f.dependsOn || f.causedBy) continue;
    const usable = (c: Finding) => c !== f && c.id !== f.id && !reaches(c, f.id);
    const direct = f.dependsOn.flatMap((ref) => byResource.get(refKey(ref)) ?? []).filter(usable);
    const indirect = f.dependsOn.flatMap((ref) => byAffected.get(refKey(ref)) ?? []).filter(usable);
    const cause = (direct.length > 0 ? direct : indirect).sort(rank)[0];
    if (!cause) continue;
    f.causedBy = cause.id;
    cause.affected = dedupeRefs([...cause.affected, f.resource, ...f.affected]);
  }
}
