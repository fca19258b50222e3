import { stringify } from "yaml";
import type { Identity } from "../../../src/sim/index.js";

/** A small cluster-state file: namespace `shop` with `pods` healthy pods plus broken ones. */
export function shopState(options: { pods?: number; broken?: boolean } = {}): string {
  const pods = options.pods ?? 7;
  const docs: unknown[] = [
    { apiVersion: "triage.sim/v1alpha1", kind: "Clock", now: "2026-01-15T09:00:00Z" },
    {
      apiVersion: "triage.sim/v1alpha1",
      kind: "APIServerHealth",
      readyz: "[+]ping ok\n[+]etcd ok\nreadyz check passed\n",
    },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shipping" } },
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-1" },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app-config", namespace: "shop" },
      data: { "app.properties": "db.password=hunter2\nlog=debug", LOG_LEVEL: "debug" },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db-credentials", namespace: "shop" },
      data: { password: "aHVudGVyMg==" },
    },
  ];
  for (let i = 0; i < pods; i++) {
    docs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `web-${i}`, namespace: "shop", labels: { app: "web" } },
      spec: {
        nodeName: "node-1",
        containers: [
          {
            name: "web",
            image: "nginx:1.27",
            env: [
              { name: "LOG_LEVEL", value: "debug" },
              { name: "DB_PASSWORD", value: "hunter2" },
            ],
          },
        ],
      },
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          {
            name: "web",
            ready: true,
            restartCount: 0,
            image: "nginx:1.27",
            state: { running: { startedAt: "2026-01-15T08:00:00Z" } },
          },
        ],
      },
    });
  }
  if (options.broken ?? true) {
    docs.push(
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "worker-0", namespace: "shop", labels: { app: "worker" } },
        spec: { nodeName: "node-1", containers: [{ name: "worker", image: "worker:2" }] },
        status: {
          phase: "Running",
          conditions: [{ type: "Ready", status: "False" }],
          containerStatuses: [
            {
              name: "worker",
              ready: false,
              restartCount: 5,
              image: "worker:2",
              state: {
                waiting: {
                  reason: "CrashLoopBackOff",
                  message: "back-off 2m40s restarting failed container",
                },
              },
              lastState: { terminated: { exitCode: 2, reason: "Error", finishedAt: "2026-01-15T08:58:00Z" } },
            },
          ],
        },
      },
      {
        apiVersion: "triage.sim/v1alpha1",
        kind: "PodLog",
        metadata: { namespace: "shop", name: "worker-0" },
        container: "worker",
        previous: true,
        text: "starting worker\nusing token xoxb-1234567890-abcdefghijkl\npanic: queue unreachable\n",
      },
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "worker-0.1", namespace: "shop" },
        involvedObject: { kind: "Pod", namespace: "shop", name: "worker-0" },
        type: "Warning",
        reason: "BackOff",
        message: "Back-off restarting failed container worker in pod worker-0",
        count: 12,
        firstTimestamp: "2026-01-15T08:30:00Z",
        lastTimestamp: "2026-01-15T08:59:00Z",
      },
    );
  }
  return docs.map((doc) => stringify(doc)).join("---\n");
}

/** A reader that may read everything except NetworkPolicies (Secrets: metadata lists only, as the reader role): one 403 gap. */
export const NO_NETPOL_IDENTITY: Identity = {
  name: "no-netpol",
  token: "no-netpol-token",
  rules: [{ verbs: ["get", "list", "watch"] }],
  deny: [
    { resources: ["networkpolicies"], apiGroups: ["networking.k8s.io"] },
    { resources: ["secrets"], allowMetadataList: true },
  ],
};
