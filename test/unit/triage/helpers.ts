import { expect } from "vitest";
import { remediationActionSchema } from "../../../src/domain/actions.js";
import type { RootCause, RootCauseCategory, Snapshot, TriageResult } from "../../../src/domain/types.js";
import { triage } from "../../../src/triage/index.js";

/** Triage and return the one root cause of `category` (fails the test when there is not exactly one). */
export function onlyCause(
  snap: Snapshot,
  category: RootCauseCategory,
): { cause: RootCause; result: TriageResult } {
  const result = triage(snap);
  const causes = result.rootCauses.filter((c) => c.category === category);
  expect(
    causes.map((c) => c.id),
    `categories: ${result.rootCauses.map((c) => c.category).join(", ")}`,
  ).toHaveLength(1);
  return { cause: causes[0]!, result };
}

export function categories(result: TriageResult): string[] {
  return result.rootCauses.map((c) => c.category).sort();
}

/** Every proposal must parse against the catalog schema and carry the ids it promises. */
export function expectValidProposals(result: TriageResult): void {
  const ids = new Set(result.rootCauses.map((c) => c.id));
  for (const proposal of result.remediations) {
    const { action, target, params } = proposal;
    expect(remediationActionSchema.safeParse({ action, target, params }).success, proposal.id).toBe(true);
    expect(proposal.id).toBe(`${action}:${target.namespace}/${target.name}`);
    expect(ids.has(proposal.rootCauseId)).toBe(true);
  }
}

/** True when some evidence line contains every fragment. */
export function evidenceHas(cause: RootCause, ...fragments: string[]): boolean {
  return cause.evidence.some((line) => fragments.every((f) => line.includes(f)));
}
