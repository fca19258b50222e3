import { describe, expect, it } from "vitest";
import { RemediationRefused } from "../../../src/errors.js";
import { proposalFromAction } from "../../../src/remediation/catalog.js";
import { deployment, pod, replicaSet } from "./fixtures.js";

const dep = { kind: "Deployment", namespace: "prod-api", name: "analytics-service" } as const;

function refusal(fn: () => unknown): RemediationRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof RemediationRefused) return error;
    throw error;
  }
  throw new Error("expected a RemediationRefused");
}

describe("proposalFromAction", () => {
  it("fills id, risk by rule, summary, exact change and preconditions", () => {
    const proposal = proposalFromAction(
      { action: "set-resources", target: dep, params: { container: "app", limits: { memory: "256Mi" } } },
      deployment(),
      "oom-killed:Deployment/prod-api/analytics-service",
    );
    expect(proposal).toMatchObject({
      id: "set-resources:prod-api/analytics-service/app",
      rootCauseId: "oom-killed:Deployment/prod-api/analytics-service",
      risk: "medium",
      change: "containers[app].resources.limits.memory: 64Mi -> 256Mi",
      preconditions: {
        resourceVersion: "100",
        expected: {
          "metadata.uid": "uid-dep",
          "spec.template.spec.containers[name=app].resources.limits.memory": "64Mi",
        },
      },
    });
    expect(proposal.summary).toContain("container 'app'");
  });

  it("rates delete-pod by whether a controller recreates the pod", () => {
    const action = {
      action: "delete-pod" as const,
      target: { kind: "Pod" as const, namespace: "prod-api", name: "web-abc" },
      params: {},
    };
    expect(proposalFromAction(action, pod(true), "rc").risk).toBe("low");
    expect(proposalFromAction(action, pod(false), "rc").risk).toBe("high");
  });

  it("shows every template field a rollback changes (not just the image) and refuses one that cannot apply", () => {
    const action = { action: "rollback" as const, target: dep, params: { toRevision: 2 } };
    const replicaSets = [replicaSet(2, "registry/analytics:1.2"), replicaSet(3, "registry/analytics:1.3")];
    const proposal = proposalFromAction(action, deployment(), "rc", { replicaSets });
    // Revision 2 has no probe and no resources: replacing the template removes them, so the card says so.
    const lines = [
      "spec.template.spec.containers[app].image: registry/analytics:1.3 -> registry/analytics:1.2",
      'spec.template.spec.containers[app].readinessProbe: {"httpGet":{"path":"/ready","port":8080},"initialDelaySeconds":5} -> unset',
      'spec.template.spec.containers[app].resources: {"requests":{"memory":"32Mi"},"limits":{"memory":"64Mi"}} -> unset',
    ];
    expect(proposal.change).toBe(lines.join("\n"));
    expect(proposal.preconditions.templateDiff).toEqual(lines);
    expect(proposal.preconditions.expected).toEqual({
      "metadata.uid": "uid-dep",
      "metadata.generation": 3,
      'metadata.annotations["deployment.kubernetes.io/revision"]': "3",
    });
    expect(
      refusal(() =>
        proposalFromAction({ ...action, params: { toRevision: 9 } }, deployment(), "rc", { replicaSets }),
      ).code,
    ).toBe("NO_SUCH_REVISION");
  });

  it("create-pvc expects the claim not to exist", () => {
    const proposal = proposalFromAction(
      {
        action: "create-pvc",
        target: { kind: "PersistentVolumeClaim", namespace: "a-team", name: "postgres-pvc" },
        params: { storageClassName: "standard", size: "1Gi", accessModes: ["ReadWriteOnce"] },
      },
      undefined,
      "missing-pvc:x",
    );
    expect(proposal.preconditions).toEqual({ mustNotExist: true });
    expect(proposal.risk).toBe("low");
    expect(proposal.id).toBe("create-pvc:a-team/postgres-pvc");
  });
});

describe("proposal change text", () => {
  const change = (action: Parameters<typeof proposalFromAction>[0]) =>
    proposalFromAction(action, deployment(), "rc").change;

  it("shows old -> new for every field an action sets", () => {
    expect(change({ action: "scale", target: dep, params: { replicas: 5 } })).toBe("spec.replicas: 2 -> 5");
    expect(
      change({
        action: "set-image",
        target: dep,
        params: { container: "app", image: "registry/analytics:1.4" },
      }),
    ).toBe("containers[app].image: registry/analytics:1.3 -> registry/analytics:1.4");
    expect(
      change({
        action: "patch-workload",
        target: dep,
        params: { container: "app", field: "readinessProbe.initialDelaySeconds", value: 20 },
      }),
    ).toBe("containers[app].readinessProbe.initialDelaySeconds: 5 -> 20");
    expect(
      change({
        action: "set-resources",
        target: dep,
        params: { container: "app", requests: { memory: "64Mi", cpu: "250m" }, limits: { memory: "128Mi" } },
      }),
    ).toBe(
      "containers[app].resources.requests.memory: 32Mi -> 64Mi; containers[app].resources.requests.cpu: unset -> 250m; containers[app].resources.limits.memory: 64Mi -> 128Mi",
    );
    expect(change({ action: "rollout-restart", target: dep, params: {} })).toBe(
      "spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt: unset -> the time of apply",
    );
  });

  it("refuses a model suggestion outside the catalog before anything else", () => {
    const bad = { action: "exec", target: dep, params: { command: "rm -rf /" } } as unknown as Parameters<
      typeof proposalFromAction
    >[0];
    expect(refusal(() => proposalFromAction(bad, deployment(), "rc")).code).toBe("NOT_IN_CATALOG");
  });
});
