import type { Finding } from "./finding.js";
import { dedupeRefs } from "./finding.js";
import { refKey } from "./owners.js";

/**
 * Follows dependency chains: a finding that waits on objects (a Service and the workloads behind
 * it) gets `causedBy` = the root cause found for those objects, and that cause lists the
 * dependent among its `affected`. Cycles are never closed.
 */
export function linkDependencies(findings: Finding[]): void {
  const byResource = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = refKey(f.resource);
    const list = byResource.get(key);
    if (list) list.push(f);
    else byResource.set(key, [f]);
  }
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
  for (const f of findings) {
    if (!f.dependsOn || f.causedBy) continue;
    const candidates = f.dependsOn
      .flatMap((ref) => byResource.get(refKey(ref)) ?? [])
      .filter((c) => c !== f && c.id !== f.id && !reaches(c, f.id))
      .sort(
        (a, b) =>
          Number(a.category === "dependency-unavailable") - Number(b.category === "dependency-unavailable") ||
          b.confidence - a.confidence,
      );
    const cause = candidates[0];
    if (!cause) continue;
    f.causedBy = cause.id;
    cause.affected = dedupeRefs([...cause.affected, f.resource, ...f.affected]);
  }
}
