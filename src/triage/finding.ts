import type { ResourceRef, RootCause, RootCauseCategory } from "../domain/types.js";
import { refKey } from "./owners.js";

/** What a check knows about fixing its cause; turned into catalog proposals by `proposals/`. */
export type FixHint =
  | { type: "create-pvc"; namespace: string; claimNames: string[] }
  | { type: "raise-memory"; workload: ResourceRef; container: string }
  | {
      type: "rollback";
      workload: ResourceRef;
      failingImages: Record<string, string>;
      /** The registry itself is failing (DNS, network, credentials): its other images fail too. */
      avoidRegistry?: string;
    }
  | { type: "delete-pods"; pods: ResourceRef[] }
  | {
      type: "probe-timeout";
      workload: ResourceRef;
      container: string;
      probe: "readinessProbe" | "livenessProbe";
    };

/** A root cause plus what only the engine needs (stripped from the result). */
export interface Finding extends RootCause {
  fix?: FixHint;
  /** Objects this cause waits on; their own root cause becomes `causedBy`. */
  dependsOn?: ResourceRef[];
  /** A symptom-level cause (rollout-stuck): dropped when another cause names the same resource. */
  fallback?: boolean;
}

/** One check per root-cause category: pure over the context, O(objects). */
export type Check<C> = (ctx: C) => Finding[];

/** Evidence items kept per cause; enough to be convincing, short enough for a Slack thread. */
export const MAX_EVIDENCE = 12;

/** `${category}:${kind}/${namespace}/${name}`: stable, so proposals and chains can point at it. */
export function causeId(category: RootCauseCategory, resource: ResourceRef): string {
  return `${category}:${resource.kind}/${resource.namespace}/${resource.name}`;
}

/** Refs without repeats, first occurrence kept (output order must be deterministic). */
export function dedupeRefs(refs: Iterable<ResourceRef>): ResourceRef[] {
  const seen = new Map<string, ResourceRef>();
  for (const ref of refs) if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  return [...seen.values()];
}

/** What a check knows about one cause; makeFinding normalizes it. */
export interface FindingInput {
  category: RootCauseCategory;
  resource: ResourceRef;
  affected: Iterable<ResourceRef>;
  evidence: Iterable<string>;
  confidence: number;
  summary: string;
  nextSteps?: string[];
  commands?: string[];
  fix?: FixHint;
  dependsOn?: ResourceRef[];
  fallback?: boolean;
}

/** A finding with its id, evidence deduplicated and capped, and confidence clamped to 0..1. */
export function makeFinding(input: FindingInput): Finding {
  const evidence = [...new Set([...input.evidence].filter((line) => line.trim() !== ""))].slice(
    0,
    MAX_EVIDENCE,
  );
  const affected = dedupeRefs(input.affected);
  const finding: Finding = {
    id: causeId(input.category, input.resource),
    category: input.category,
    summary: input.summary,
    resource: input.resource,
    affected,
    evidence,
    confidence: Math.max(0, Math.min(1, Math.round(input.confidence * 100) / 100)),
    nextSteps: input.nextSteps ?? [],
    commands: input.commands ?? [],
  };
  if (input.fix) finding.fix = input.fix;
  if (input.dependsOn) finding.dependsOn = input.dependsOn;
  if (input.fallback) finding.fallback = true;
  return finding;
}

/** Groups items under their workload, keeping first-seen order (deterministic output). */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** `kubectl -n ns` prefix, or `kubectl` for cluster-scoped objects. */
export function kubectl(namespace: string): string {
  return namespace ? `kubectl -n ${namespace}` : "kubectl";
}
