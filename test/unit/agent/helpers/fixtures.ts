import type { Trigger } from "../../../../src/domain/investigation.js";
import type { KubeObject } from "../../../../src/domain/kube.js";
import type { TriageResult } from "../../../../src/domain/types.js";

/** A small prod-api incident: api crash-loops because its database lost its PVC. */
export const NS = "prod-api";
export const SECRET_VALUES = [
  "sk-live-4f9a8b7c6d5e4f3a2b1c",
  "hunter2-db-pass",
  "postgres://app:s3cr3tpw@db:5432/app",
];

export function objects(): KubeObject[] {
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "api",
        namespace: NS,
        resourceVersion: "41",
        labels: { app: "api" },
        annotations: {
          "kubectl.kubernetes.io/last-applied-configuration": `{"env":"API_KEY=${SECRET_VALUES[0]}"}`,
        },
        managedFields: [{ manager: "kubectl" }],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "api" } },
        template: {
          spec: {
            containers: [
              {
                name: "api",
                image: "registry.local/api:1.4.2",
                env: [
                  { name: "API_KEY", value: SECRET_VALUES[0] },
                  { name: "DB_PASSWORD", value: SECRET_VALUES[1] },
                  { name: "DATABASE_URL", value: SECRET_VALUES[2] },
                  { name: "LOG_LEVEL", value: "info" },
                ],
              },
            ],
          },
        },
      },
      status: { replicas: 3, readyReplicas: 0, availableReplicas: 0, updatedReplicas: 3 },
    },
    ...[1, 2, 3].map(
      (i): KubeObject => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `api-7d9f-${i}`,
          namespace: NS,
          labels: { app: "api" },
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "ReplicaSet", name: "api-7d9f", uid: "u1", controller: true },
          ],
        },
        spec: { containers: [{ name: "api", image: "registry.local/api:1.4.2" }], nodeName: "node-1" },
        status: {
          phase: "Running",
          containerStatuses: [
            {
              name: "api",
              ready: false,
              restartCount: 7,
              state: { waiting: { reason: "CrashLoopBackOff" } },
              lastState: { terminated: { exitCode: 1, reason: "Error" } },
            },
          ],
        },
      }),
    ),
    {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "api-7d9f-1.1", namespace: NS },
      involvedObject: { kind: "Pod", name: "api-7d9f-1", namespace: NS },
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container api",
      count: 12,
      lastTimestamp: "2026-11-21T08:40:00Z",
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "coredns-1", namespace: "kube-system" },
      spec: { containers: [{ name: "coredns" }] },
      status: { phase: "Running" },
    },
  ];
}

export function logs(): Record<string, string> {
  return {
    [`${NS}/api-7d9f-1`]: `starting api\nconnecting with ${SECRET_VALUES[2]}\nFATAL: could not connect to db: connection refused\n`,
    [`${NS}/api-7d9f-1:previous`]: "FATAL: could not connect to db: connection refused\n",
  };
}

export function triage(): TriageResult {
  return {
    namespace: NS,
    collectedAt: "2026-11-21T08:41:00Z",
    controlPlane: { status: "healthy" },
    blastRadius: "single-workload",
    severity: "P1",
    headline: "api in prod-api is crash-looping: its database is unreachable",
    symptoms: [{ class: "crashloop-pods", resources: [{ kind: "Pod", namespace: NS, name: "api-7d9f-1" }] }],
    rootCauses: [
      {
        id: `crash-loop:Deployment/${NS}/api`,
        category: "crash-loop",
        summary: "api exits with 'could not connect to db'",
        resource: { kind: "Deployment", namespace: NS, name: "api" },
        affected: [{ kind: "Pod", namespace: NS, name: "api-7d9f-1" }],
        evidence: [
          "FATAL: could not connect to db: connection refused",
          "Back-off restarting failed container api",
        ],
        confidence: 0.8,
        nextSteps: [],
        commands: [],
      },
    ],
    remediations: [
      {
        action: "rollout-restart",
        target: { kind: "Deployment", namespace: NS, name: "api" },
        params: {},
        id: `rollout-restart:${NS}/api`,
        rootCauseId: `crash-loop:Deployment/${NS}/api`,
        risk: "medium",
        summary: "restart api",
        change: "Deployment prod-api/api: restart all pods (rolling)",
        preconditions: { resourceVersion: "41" },
      },
    ],
    healthy: [],
    gaps: [],
    stats: { pods: 3, events: 1 },
  };
}

export function trigger(text = "api is down, please look"): Trigger {
  return { source: "slash-command", namespace: NS, text, receivedAt: "2026-11-21T08:41:00Z" };
}
