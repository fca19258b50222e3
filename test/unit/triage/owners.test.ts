import { describe, expect, it } from "vitest";
import { buildContext } from "../../../src/triage/context.js";
import { triage } from "../../../src/triage/index.js";
import { app, crashLoop, cronJob, snapshot } from "../../fixtures/triage/builders.js";

describe("owner resolution", () => {
  it("Pod -> ReplicaSet -> Deployment, StatefulSet and DaemonSet pods, bare pods", () => {
    const web = app("web");
    const db = app("db", { kind: "StatefulSet" });
    const agent = app("agent", { kind: "DaemonSet" });
    const bare = app("bare");
    const barePod = {
      ...bare.pods[0]!,
      metadata: { ...bare.pods[0]!.metadata, name: "debug", ownerReferences: [] },
    };
    const ctx = buildContext(snapshot(undefined, web.part, db.part, agent.part, { pods: [barePod] }));
    const byName = (name: string) => ctx.pods.find((v) => v.ref.name === name)?.owner;
    expect(byName(web.pods[0]!.metadata.name!)).toMatchObject({
      workload: { kind: "Deployment", name: "web" },
      controller: { kind: "ReplicaSet" },
      current: true,
    });
    expect(byName("db-0")?.workload).toEqual({ kind: "StatefulSet", namespace: "default", name: "db" });
    expect(byName(agent.pods[0]!.metadata.name!)?.workload.kind).toBe("DaemonSet");
    expect(byName("debug")?.workload).toEqual({ kind: "Pod", namespace: "default", name: "debug" });
  });

  it("Job -> CronJob, and by name when uids are absent (hand-written state files)", () => {
    const cj = cronJob("report");
    const worker = app("report-job", { state: crashLoop(1) });
    const pod = worker.pods[0]!;
    pod.metadata.ownerReferences = [
      { apiVersion: "batch/v1", kind: "Job", name: "report-123", uid: "", controller: true },
    ];
    const jobObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "report-123",
        namespace: "default",
        ownerReferences: [
          { apiVersion: "batch/v1", kind: "CronJob", name: "report", uid: "", controller: true },
        ],
      },
      spec: { template: { spec: { containers: [] } } },
    };
    const ctx = buildContext(snapshot(undefined, { pods: [pod], jobs: [jobObject], cronJobs: [cj] }));
    expect(ctx.pods[0]?.owner.workload).toEqual({ kind: "CronJob", namespace: "default", name: "report" });
  });

  it("reports the Deployment, not the Pod or ReplicaSet, with its pods as affected", () => {
    const web = app("web", { replicas: 2, state: crashLoop(1) });
    const cause = triage(snapshot("default", web.part)).rootCauses[0]!;
    expect(cause.resource).toEqual({ kind: "Deployment", namespace: "default", name: "web" });
    expect(cause.affected.map((r) => r.kind)).toEqual(["Pod", "Pod"]);
  });
});
