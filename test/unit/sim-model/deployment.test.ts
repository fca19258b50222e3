import { describe, expect, it } from "vitest";
import type { Workload } from "../../../src/domain/kube.js";
import { withoutHash } from "../../../src/sim/model/controllers/deployment.js";
import {
  cluster,
  deployment,
  isReady,
  namespace,
  node,
  patchDeployment,
  podsOf,
  reconcile,
  storageClass,
} from "./fixtures.js";

const REVISION = "deployment.kubernetes.io/revision";
const base = [
  node("node-1"),
  namespace("default"),
  namespace("kube-system", { "triage.sim/unresolvable-registries": "company-registry.io" }),
  storageClass(),
];

function replicaSets(view: ReturnType<typeof cluster>): Workload[] {
  return (view.list("ReplicaSet") as Workload[]).sort(
    (a, b) => Number(a.metadata.annotations?.[REVISION]) - Number(b.metadata.annotations?.[REVISION]),
  );
}

function setImage(image: string) {
  return (current: Workload) => {
    current.spec.template.spec.containers[0]!.image = image;
  };
}

describe("deployment controller", () => {
  it("creates a ReplicaSet named after the template hash, owning pods named after it", () => {
    const view = cluster([deployment("web", { replicas: 3 })], base);
    const [rs] = replicaSets(view);
    const hash = rs?.metadata.labels?.["pod-template-hash"];
    expect(rs?.metadata.name).toBe(`web-${hash}`);
    expect(rs?.metadata.annotations?.[REVISION]).toBe("1");
    expect(rs?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
    const pods = podsOf(view, "web");
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
        kind: "ReplicaSet",
        name: rs?.metadata.name,
        uid: rs?.metadata.uid,
        controller: true,
      });
    }
    expect((view.get("Deployment", "default", "web") as Workload).status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      updatedReplicas: 3,
    });
  });

  it("rolls a template change out as a new revision and keeps the old ReplicaSet at 0", () => {
    const view = cluster([deployment("web", { replicas: 2 })], base);
    patchDeployment(view, "default", "web", setImage("ghcr.io/acme/web:1.1.0"));
    const [old, current] = replicaSets(view);
    expect(current?.metadata.annotations?.[REVISION]).toBe("2");
    expect(old?.spec.replicas).toBe(0);
    expect(current?.spec.replicas).toBe(2);
    expect((view.get("Deployment", "default", "web") as Workload).metadata.annotations?.[REVISION]).toBe("2");
    expect(
      podsOf(view, "web").every((pod) => pod.spec.containers[0]?.image === "ghcr.io/acme/web:1.1.0"),
    ).toBe(true);
    expect(view.eventsFor("web", "ScalingReplicaSet").map((event) => event.message)).toContain(
      `Scaled down replica set ${old?.metadata.name} from 2 to 0`,
    );
  });

  it("keeps the old pods while the new ones are not ready, and reports ProgressDeadlineExceeded", () => {
    const view = cluster([deployment("pay", { replicas: 2 })], base);
    patchDeployment(view, "default", "pay", setImage("company-registry.io/pay:v2"));
    const pods = podsOf(view, "pay");
    expect(pods).toHaveLength(4);
    reconcile(view, 601);
    const status = (view.get("Deployment", "default", "pay") as Workload).status;
    const progressing = status?.conditions?.find((condition) => condition.type === "Progressing");
    expect(progressing).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
    expect(progressing?.message).toMatch(/^ReplicaSet "pay-[a-z0-9]+" has timed out progressing\.$/);
    expect(status?.conditions?.find((condition) => condition.type === "Available")?.status).toBe("True");
  });

  it("reports MinimumReplicasUnavailable when no pod is available", () => {
    const view = cluster([deployment("pay", { replicas: 2, image: "company-registry.io/pay:v2" })], base);
    const available = (view.get("Deployment", "default", "pay") as Workload).status?.conditions?.find(
      (condition) => condition.type === "Available",
    );
    expect(available).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
      message: "Deployment does not have minimum availability.",
    });
  });

  it("rolls back: the old ReplicaSet's template makes it current again under the next revision", () => {
    const view = cluster([deployment("pay", { replicas: 2, image: "ghcr.io/acme/pay:v2.0.3" })], base);
    patchDeployment(view, "default", "pay", setImage("company-registry.io/pay:v2.1.0"));
    reconcile(view, 120);
    const [first] = replicaSets(view);
    patchDeployment(view, "default", "pay", (current) => {
      current.spec.template = withoutHash(first!.spec.template);
    });
    reconcile(view, 30);
    const sets = replicaSets(view);
    expect(sets).toHaveLength(2);
    const restored = sets.find((rs) => rs.metadata.name === first?.metadata.name);
    expect(restored?.metadata.annotations?.[REVISION]).toBe("3");
    expect(restored?.spec.replicas).toBe(2);
    expect(sets.find((rs) => rs !== restored)?.spec.replicas).toBe(0);
    const pods = podsOf(view, "pay");
    expect(pods).toHaveLength(2);
    expect(
      pods.every((pod) => isReady(pod) && pod.spec.containers[0]?.image === "ghcr.io/acme/pay:v2.0.3"),
    ).toBe(true);
    expect((view.get("Deployment", "default", "pay") as Workload).metadata.annotations?.[REVISION]).toBe("3");
  });

  it("recognizes an old template after the API server filled in its defaults", () => {
    const view = cluster([deployment("pay", { image: "ghcr.io/acme/pay:v2.0.3" })], base);
    patchDeployment(view, "default", "pay", setImage("company-registry.io/pay:v2.1.0"));
    const [first] = replicaSets(view);
    patchDeployment(view, "default", "pay", (current) => {
      const template = withoutHash(first!.spec.template);
      const container = template.spec.containers[0]!;
      Object.assign(container, {
        imagePullPolicy: "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
        resources: {},
      });
      Object.assign(template.spec, {
        restartPolicy: "Always",
        dnsPolicy: "ClusterFirst",
        securityContext: {},
      });
      current.spec.template = template;
    });
    expect(replicaSets(view)).toHaveLength(2);
    expect(replicaSets(view)[1]?.metadata.name).toBe(first?.metadata.name);
  });

  it("scales up and down", () => {
    const view = cluster([deployment("web", { replicas: 1 })], base);
    patchDeployment(view, "default", "web", (current) => {
      current.spec.replicas = 3;
    });
    expect(podsOf(view, "web")).toHaveLength(3);
    patchDeployment(view, "default", "web", (current) => {
      current.spec.replicas = 1;
    });
    expect(podsOf(view, "web")).toHaveLength(1);
  });

  it("replaces every pod on kubectl rollout restart", () => {
    const view = cluster([deployment("web", { replicas: 2 })], base);
    const before = podsOf(view, "web").map((pod) => pod.metadata.name);
    patchDeployment(view, "default", "web", (current) => {
      current.spec.template.metadata = {
        ...current.spec.template.metadata,
        annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-15T09:05:00Z" },
      };
    });
    const after = podsOf(view, "web");
    expect(after).toHaveLength(2);
    expect(after.some((pod) => before.includes(pod.metadata.name))).toBe(false);
    expect(replicaSets(view)).toHaveLength(2);
  });

  it("replaces a deleted pod with a new name", () => {
    const view = cluster([deployment("web")], base);
    const [pod] = podsOf(view, "web");
    view.remove("Pod", "default", pod?.metadata.name ?? "");
    reconcile(view);
    const [replacement] = podsOf(view, "web");
    expect(replacement?.metadata.name).not.toBe(pod?.metadata.name);
    expect(isReady(replacement!)).toBe(true);
  });

  it("uses Recreate: old pods go before new ones come", () => {
    const view = cluster([deployment("db", { spec: {} })], base);
    patchDeployment(view, "default", "db", (current) => {
      current.spec.strategy = { type: "Recreate" };
    });
    patchDeployment(view, "default", "db", setImage("company-registry.io/db:2"));
    const pods = podsOf(view, "db");
    expect(pods).toHaveLength(1);
    expect(pods[0]?.spec.containers[0]?.image).toBe("company-registry.io/db:2");
  });
});
