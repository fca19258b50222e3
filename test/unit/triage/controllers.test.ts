import { describe, expect, it } from "vitest";
import type { Workload } from "../../../src/domain/kube.js";
import { triage } from "../../../src/triage/index.js";
import { app, cronJob, event, hpa, job, log, quota, snapshot } from "../../fixtures/triage/builders.js";
import { evidenceHas, onlyCause } from "./helpers.js";

function shortReplicaSet(a: ReturnType<typeof app>): Workload {
  const rs = a.replicaSet!;
  rs.status = { replicas: 0, readyReplicas: 0, availableReplicas: 0 };
  return rs;
}

describe("quota-exceeded", () => {
  it("resolves the ReplicaSet's FailedCreate to its Deployment and quotes the quota", () => {
    const web = app("web", { namespace: "shop", replicas: 3 });
    web.pods.length = 0;
    const part = { ...web.part, pods: [], replicaSets: [shortReplicaSet(web)] };
    const message =
      'Error creating: pods "web-1abc-x" is forbidden: exceeded quota: compute-quota, requested: requests.memory=512Mi, used: requests.memory=2Gi, limited: requests.memory=2Gi';
    const ev = event(web.replicaSet!, "FailedCreate", message, { kind: "ReplicaSet", count: 14 });
    const q = quota(
      "compute-quota",
      { "requests.memory": "2Gi", pods: "10" },
      { "requests.memory": "2Gi", pods: "4" },
      "shop",
    );
    const { cause } = onlyCause(
      snapshot("shop", part, { events: [ev], resourceQuotas: [q] }),
      "quota-exceeded",
    );
    expect(cause.resource).toEqual({ kind: "Deployment", namespace: "shop", name: "web" });
    expect(evidenceHas(cause, "exceeded quota: compute-quota")).toBe(true);
    expect(evidenceHas(cause, "ResourceQuota shop/compute-quota: requests.memory 2Gi/2Gi")).toBe(true);
  });

  it("ignores FailedCreate storms of a ReplicaSet that has since got its pods", () => {
    const web = app("web");
    const ev = event(web.replicaSet!, "FailedCreate", "Error creating: exceeded quota: q", {
      kind: "ReplicaSet",
      lastTimestamp: "2026-11-20T00:00:00Z",
    });
    expect(triage(snapshot("default", web.part, { events: [ev] })).rootCauses).toEqual([]);
  });
});

describe("rbac-forbidden", () => {
  it("a ServiceAccount the pod template names does not exist", () => {
    const web = app("web", { serviceAccountName: "web-sa" });
    const part = { ...web.part, pods: [], replicaSets: [shortReplicaSet(web)] };
    const ev = event(
      web.replicaSet!,
      "FailedCreate",
      'Error creating: pods "web-1abc-" is forbidden: error looking up service account default/web-sa: serviceaccount "web-sa" not found',
      { kind: "ReplicaSet" },
    );
    const { cause } = onlyCause(snapshot("default", part, { events: [ev] }), "rbac-forbidden");
    expect(cause.summary).toContain("ServiceAccount does not exist");
    expect(evidenceHas(cause, "error looking up service account default/web-sa")).toBe(true);
  });

  it("an app whose API calls are denied, from its log", () => {
    const op = app("operator", {
      state: { waiting: "CrashLoopBackOff", restarts: 4, last: { exitCode: 1 } },
    });
    const line =
      'pods is forbidden: User "system:serviceaccount:default:operator" cannot list resource "pods" in API group "" in the namespace "default"';
    const result = triage(
      snapshot("default", op.part, { logs: [log(op.pods[0]!, "operator", `start\n${line}\n`)] }),
    );
    const cause = result.rootCauses.find((c) => c.category === "rbac-forbidden")!;
    expect(cause.summary).toContain("ServiceAccount default/operator");
    expect(cause.commands[0]).toBe(
      "kubectl auth can-i --list --as=system:serviceaccount:default:operator -n default",
    );
  });

  it("an admission policy refusal (PodSecurity) is reported as such, not as RBAC", () => {
    const web = app("web");
    const part = { ...web.part, pods: [], replicaSets: [shortReplicaSet(web)] };
    const message =
      'Error creating: pods "web-1abc-x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)';
    const ev = event(web.replicaSet!, "FailedCreate", message, { kind: "ReplicaSet" });
    const { cause } = onlyCause(snapshot("default", part, { events: [ev] }), "rbac-forbidden");
    expect(cause.summary).toContain(
      'refused by admission policy (violates PodSecurity "restricted:latest"), not by RBAC',
    );
    expect(evidenceHas(cause, "allowPrivilegeEscalation != false")).toBe(true);
  });

  it("a LimitRange refusal is a quota-exceeded cause naming the bound", () => {
    const web = app("web");
    const part = { ...web.part, pods: [], replicaSets: [shortReplicaSet(web)] };
    const message =
      'Error creating: pods "web-1abc-x" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi';
    const ev = event(web.replicaSet!, "FailedCreate", message, { kind: "ReplicaSet" });
    const { cause } = onlyCause(snapshot("default", part, { events: [ev] }), "quota-exceeded");
    expect(cause.summary).toContain(
      "LimitRange refuses them (maximum memory usage per Container is 1Gi, but limit is 2Gi)",
    );
  });

  it("a quota refusal is not RBAC", () => {
    const web = app("web");
    const part = { ...web.part, pods: [], replicaSets: [shortReplicaSet(web)] };
    const ev = event(
      web.replicaSet!,
      "FailedCreate",
      'pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
      { kind: "ReplicaSet" },
    );
    expect(triage(snapshot("default", part, { events: [ev] })).rootCauses.map((c) => c.category)).toEqual([
      "quota-exceeded",
    ]);
  });
});

describe("job-failed", () => {
  it("one cause per CronJob, quoting the Failed condition", () => {
    const cj = cronJob("nightly");
    const jobs = [
      job("nightly-1", { failed: true, cronJob: cj, startTime: "2026-11-21T07:00:00Z" }),
      job("nightly-2", { failed: true, cronJob: cj, startTime: "2026-11-21T08:00:00Z" }),
    ];
    const { cause } = onlyCause(snapshot("default", { cronJobs: [cj], jobs }), "job-failed");
    expect(cause.resource).toEqual({ kind: "CronJob", namespace: "default", name: "nightly" });
    expect(evidenceHas(cause, "BackoffLimitExceeded: Job has reached the specified backoff limit")).toBe(
      true,
    );
    expect(cause.affected).toHaveLength(2);
  });

  it("a failed run followed by a successful one is history; succeeded Jobs are fine", () => {
    const cj = cronJob("nightly");
    const jobs = [
      job("nightly-1", { failed: true, cronJob: cj, startTime: "2026-11-21T07:00:00Z" }),
      job("nightly-2", { cronJob: cj, startTime: "2026-11-21T08:00:00Z" }),
      job("once"),
    ];
    expect(triage(snapshot("default", { cronJobs: [cj], jobs })).rootCauses).toEqual([]);
  });
});

describe("rollout-stuck", () => {
  it("past its progress deadline with no more specific cause", () => {
    const web = app("web", { state: { running: true, ready: false } });
    web.workload.status = {
      ...web.workload.status,
      conditions: [
        {
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: 'ReplicaSet "web-1abc" has timed out progressing.',
        },
      ],
    };
    const { cause } = onlyCause(snapshot("default", web.part), "rollout-stuck");
    expect(evidenceHas(cause, 'ReplicaSet "web-1abc" has timed out progressing.')).toBe(true);
  });

  it("defers to the pods' own cause", () => {
    const web = app("web", { state: { waiting: "ImagePullBackOff" } });
    web.workload.status = {
      ...web.workload.status,
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
    };
    expect(triage(snapshot("default", web.part)).rootCauses.map((c) => c.category)).toEqual(["image-pull"]);
  });
});

describe("hpa-misconfigured", () => {
  it("a target that does not exist", () => {
    const { cause } = onlyCause(
      snapshot("default", { horizontalPodAutoscalers: [hpa("web", { kind: "Deployment", name: "webb" })] }),
      "hpa-misconfigured",
    );
    expect(evidenceHas(cause, "scaleTargetRef Deployment/webb does not exist")).toBe(true);
  });

  it("scaling on cpu utilization of containers that request no cpu", () => {
    const web = app("web");
    const h = hpa(
      "web",
      { kind: "Deployment", name: "web" },
      {
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
          },
        ],
      },
    );
    const { cause } = onlyCause(
      snapshot("default", web.part, { horizontalPodAutoscalers: [h] }),
      "hpa-misconfigured",
    );
    expect(evidenceHas(cause, "request no cpu")).toBe(true);
  });

  it("minReplicas above maxReplicas", () => {
    const web = app("web", { container: { resources: { requests: { cpu: "100m" } } } });
    const h = hpa("web", { kind: "Deployment", name: "web" }, { min: 6, max: 3 });
    const { cause } = onlyCause(
      snapshot("default", web.part, { horizontalPodAutoscalers: [h] }),
      "hpa-misconfigured",
    );
    expect(evidenceHas(cause, "minReplicas 6 > maxReplicas 3")).toBe(true);
  });

  it("a well-formed HPA on a workload with requests is fine", () => {
    const web = app("web", { container: { resources: { requests: { cpu: "100m" } } } });
    const h = hpa(
      "web",
      { kind: "Deployment", name: "web" },
      { metrics: [{ type: "Resource", resource: { name: "cpu" } }] },
    );
    expect(triage(snapshot("default", web.part, { horizontalPodAutoscalers: [h] })).rootCauses).toEqual([]);
  });
});
