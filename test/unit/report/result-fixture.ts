import type { TriageResult } from "../../../src/domain/types.js";

/** A small but complete triage result: two root causes, one proposal, a gap. */
export function sampleResult(): TriageResult {
  return {
    namespace: "a-team",
    collectedAt: "2026-01-15T09:00:00Z",
    controlPlane: { status: "healthy" },
    blastRadius: "single-workload",
    severity: "P2",
    headline: "postgres-db cannot start: PersistentVolumeClaim a-team/postgres-pvc does not exist",
    symptoms: [
      { class: "pending-pods", resources: [{ kind: "Pod", namespace: "a-team", name: "postgres-db-0" }] },
    ],
    rootCauses: [
      {
        id: "missing-pvc:StatefulSet/a-team/postgres-db",
        category: "missing-pvc",
        summary: "StatefulSet postgres-db mounts PersistentVolumeClaim postgres-pvc, which does not exist.",
        resource: { kind: "StatefulSet", namespace: "a-team", name: "postgres-db" },
        affected: [{ kind: "Pod", namespace: "a-team", name: "postgres-db-0" }],
        evidence: [
          '0/3 nodes are available: persistentvolumeclaim "postgres-pvc" not found. *bold* <b>',
          "line one\n# line two",
        ],
        confidence: 0.95,
        nextSteps: ["Create the claim with the StorageClass the team uses."],
        commands: ["kubectl -n a-team get pvc", "kubectl -n a-team describe pod postgres-db-0"],
      },
      {
        id: "crash-loop:Deployment/a-team/api",
        category: "crash-loop",
        summary: "api exits with code 1 because the database is down.",
        resource: { kind: "Deployment", namespace: "a-team", name: "api" },
        affected: [],
        evidence: ["Last state: terminated, exit code 1"],
        confidence: 0.6,
        causedBy: "missing-pvc:StatefulSet/a-team/postgres-db",
        nextSteps: [],
        commands: [],
      },
    ],
    remediations: [
      {
        id: "create-pvc:a-team/postgres-pvc",
        rootCauseId: "missing-pvc:StatefulSet/a-team/postgres-db",
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
        params: { storageClassName: "standard", size: "10Gi", accessModes: ["ReadWriteOnce"] },
        risk: "low",
        summary: "Create PersistentVolumeClaim postgres-pvc (10Gi, standard)",
        change: "create PersistentVolumeClaim a-team/postgres-pvc storageClassName=standard size=10Gi",
        preconditions: { mustNotExist: true },
      },
    ],
    healthy: [{ kind: "Deployment", namespace: "a-team", name: "frontend" }],
    gaps: [
      {
        resource: "networkpolicies",
        namespace: "a-team",
        reason: "forbidden",
        message: "no permission to list networkpolicies in a-team: HTTP 403",
      },
    ],
    stats: { pods: 3, events: 7, apiRequests: 27, durationMs: 41.6 },
  };
}
