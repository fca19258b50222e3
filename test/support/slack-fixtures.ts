import type { RemediationProposal } from "../../src/domain/actions.js";
import type { Investigation, ProposalRecord } from "../../src/domain/investigation.js";
import type { RcaReport } from "../../src/domain/rca.js";
import type { TriageResult } from "../../src/domain/types.js";

/** A 32-character token in the queue's format. */
export function token(seed: string): string {
  return seed
    .padEnd(32, "x")
    .slice(0, 32)
    .replace(/[^A-Za-z0-9_-]/g, "_");
}

export function proposal(overrides: Partial<RemediationProposal> = {}): RemediationProposal {
  return {
    action: "set-resources",
    target: { kind: "Deployment", namespace: "prod-api", name: "api-gateway" },
    params: { container: "app", limits: { memory: "512Mi" } },
    id: "set-resources:prod-api/api-gateway",
    rootCauseId: "oom-killed:Deployment/prod-api/api-gateway",
    risk: "medium",
    summary: "Raise the memory limit of api-gateway so it stops being OOM-killed",
    change: "containers[app].resources.limits.memory: 128Mi -> 512Mi",
    preconditions: { resourceVersion: "42" },
    ...overrides,
  } as RemediationProposal;
}

export function proposalRecord(overrides: Partial<ProposalRecord> = {}): ProposalRecord {
  return {
    proposal: proposal(),
    token: token("tok-approve-1"),
    state: "pending",
    expiresAt: "2030-01-01T10:00:00.000Z",
    ...overrides,
  };
}

export function triageResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    namespace: "prod-api",
    collectedAt: "2026-11-21T09:00:00.000Z",
    controlPlane: { status: "healthy" },
    blastRadius: "single-workload",
    severity: "P2",
    headline: "api-gateway is OOM-killed in a crash loop",
    symptoms: [
      {
        class: "crashloop-pods",
        resources: [{ kind: "Pod", namespace: "prod-api", name: "api-gateway-7d9f8c6b5d-x2x7q" }],
      },
    ],
    rootCauses: [
      {
        id: "oom-killed:Deployment/prod-api/api-gateway",
        category: "oom-killed",
        summary: "Container app exceeds its 128Mi memory limit and is killed (exit 137).",
        resource: { kind: "Deployment", namespace: "prod-api", name: "api-gateway" },
        affected: [{ kind: "Pod", namespace: "prod-api", name: "api-gateway-7d9f8c6b5d-x2x7q" }],
        evidence: ["lastState.terminated: OOMKilled exit 137"],
        confidence: 0.92,
        nextSteps: ["Raise the memory limit"],
        commands: ["kubectl -n prod-api describe pod api-gateway-7d9f8c6b5d-x2x7q"],
      },
    ],
    remediations: [proposal()],
    healthy: [{ kind: "Deployment", namespace: "prod-api", name: "web" }],
    gaps: [],
    stats: { pods: 4, events: 12 },
    ...overrides,
  };
}

export function rcaReport(overrides: Partial<RcaReport> = {}): RcaReport {
  return {
    source: "deterministic",
    fallbackReason: "no model configured",
    summary: "api-gateway runs out of memory under normal load: its limit is 128Mi while it needs ~300Mi.",
    severity: "P2",
    rootCauses: [
      {
        category: "oom-killed",
        name: "api-gateway memory limit too low",
        summary: "The app container is OOM-killed every few minutes.",
        resource: { kind: "Deployment", namespace: "prod-api", name: "api-gateway" },
        affected: [{ kind: "Pod", namespace: "prod-api", name: "api-gateway-7d9f8c6b5d-x2x7q" }],
        evidence: [{ quote: "Last State: Terminated, Reason: OOMKilled, Exit Code: 137", source: "triage" }],
        confidence: 0.9,
      },
    ],
    hypothesesRejected: [{ hypothesis: "node memory pressure", reason: "nodes report MemoryPressure=False" }],
    dangerousAssumption: "that the memory growth is not a leak",
    proposals: [proposal()],
    dropped: [],
    validationPlan: ["api-gateway pods Ready for 5 minutes", "no new OOMKilled events"],
    ...overrides,
  };
}

/** An investigation that finished analysis, with one pending proposal. */
export function investigation(overrides: Partial<Investigation> = {}): Investigation {
  return {
    id: "inv-test-1",
    trigger: {
      source: "slash-command",
      namespace: "prod-api",
      requestedBy: "U0ALICE",
      receivedAt: "2026-11-21T09:00:00.000Z",
    },
    joined: [],
    status: "proposed",
    timeline: [{ status: "queued", at: "2026-11-21T09:00:00.000Z" }],
    createdAt: "2026-11-21T09:00:00.000Z",
    updatedAt: "2026-11-21T09:00:42.000Z",
    triage: triageResult(),
    rca: rcaReport(),
    proposals: [proposalRecord()],
    ...overrides,
  };
}
