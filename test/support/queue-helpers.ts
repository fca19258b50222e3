import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { defaultPolicy, type Policy } from "../../src/config/policy.js";
import type { RemediationProposal } from "../../src/domain/actions.js";
import type { InvestigationNotifier, InvestigationUpdate, Trigger } from "../../src/domain/investigation.js";
import type { RcaReport } from "../../src/domain/rca.js";
import { emptySnapshot as emptyDomainSnapshot } from "../../src/domain/snapshot.js";
import type { Snapshot, TriageResult } from "../../src/domain/types.js";
import type { PipelineDeps } from "../../src/queue/deps.js";

/** A key prefix no other test uses. */
export function uniquePrefix(label = "t"): string {
  return `qt-${label}-${randomUUID().slice(0, 8)}`;
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A trigger for `namespace` (and optionally a workload). */
export function trigger(namespace: string, extra: Partial<Trigger> = {}): Trigger {
  return { source: "cli", namespace, receivedAt: new Date().toISOString(), ...extra };
}

/** An empty snapshot of one namespace. */
export function emptySnapshot(namespace: string): Snapshot {
  return emptyDomainSnapshot({
    collectedAt: new Date().toISOString(),
    source: { type: "file", path: "scripted" },
    scope: { namespace, allNamespaces: false },
  });
}

/** A small triage result for scripted pipelines. */
export function scriptedTriage(snapshot: Snapshot, namespace: string): TriageResult {
  return {
    namespace,
    collectedAt: snapshot.collectedAt,
    controlPlane: { status: "healthy" },
    blastRadius: "single-workload",
    severity: "P3",
    headline: `scripted triage of ${namespace}`,
    symptoms: [],
    rootCauses: [],
    remediations: [],
    healthy: [],
    gaps: [],
    stats: { pods: snapshot.pods.length, events: snapshot.events.length },
  };
}

/** A restart proposal for `workload` in `namespace`. */
export function restartProposal(namespace: string, workload = "api"): RemediationProposal {
  return {
    id: `rollout-restart:${namespace}/${workload}`,
    action: "rollout-restart",
    target: { kind: "Deployment", namespace, name: workload },
    params: {},
    rootCauseId: `crash-loop:Deployment/${namespace}/${workload}`,
    risk: "low",
    summary: `restart ${workload}`,
    change: `rollout restart deployment/${workload}`,
    preconditions: {},
  };
}

/** A deterministic RCA carrying `proposals`. */
export function scriptedRca(triage: TriageResult, proposals: RemediationProposal[] = []): RcaReport {
  return {
    source: "deterministic",
    fallbackReason: "scripted",
    summary: triage.headline,
    severity: triage.severity,
    rootCauses: [],
    hypothesesRejected: [],
    proposals,
    dropped: [],
    validationPlan: [],
  };
}

/** The step name a notification corresponds to (what a Slack poster would post or update). */
export function stepOf(update: InvestigationUpdate, status: string): string {
  switch (update.type) {
    case "status":
      return `status:${status}`;
    case "proposal":
    case "execution":
      return `${update.type}:${update.proposalId}`;
    default:
      return update.type;
  }
}

/** A notifier that records each post in a Redis list (`<id> <step>`), so several processes can share it. */
export function redisListNotifier(redis: Redis, listKey: string): InvestigationNotifier {
  return {
    async notify(investigation, update) {
      await redis.rpush(listKey, `${investigation.id} ${stepOf(update, investigation.status)}`);
    },
  };
}

/** Pipeline deps with scripted collect/triage/analyze; override what a test is about. */
export function scriptedDeps(
  overrides: Partial<PipelineDeps> & Pick<PipelineDeps, "notifier">,
): PipelineDeps {
  return {
    collect: async (t) => emptySnapshot(t.namespace),
    triage: (snapshot, { namespace }) => scriptedTriage(snapshot, namespace),
    analyze: async ({ triage }) => scriptedRca(triage),
    remediate: async () => ({ status: "succeeded", message: "done" }),
    clock: () => new Date(),
    ...overrides,
  };
}

/** A policy allowing `namespaces` (globs). */
export function policyFor(namespaces: string[] = ["*"]): Policy {
  return { ...defaultPolicy(), namespaces };
}
