import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { isProdLike } from "../../../src/triage/severity.js";
import {
  app,
  crashLoop,
  cronJob,
  hpa,
  ingress,
  job,
  node,
  snapshot,
} from "../../fixtures/triage/builders.js";

describe("blast radius", () => {
  it("no-issues", () => {
    expect(triage(snapshot("a", app("web", { namespace: "a" }).part)).blastRadius).toBe("no-issues");
  });

  it("single-pod: one pod of a workload whose other replicas still serve", () => {
    const web = app("web", { namespace: "a", replicas: 3 });
    const sick = app("web", { namespace: "a", replicas: 1, state: crashLoop(1) }).pods[0]!;
    sick.metadata.name = "web-sick";
    sick.metadata.ownerReferences = web.pods[0]!.metadata.ownerReferences;
    const result = triage(snapshot("a", web.part, { pods: [sick] }));
    expect(result.blastRadius).toBe("single-pod");
  });

  it("single-pod: a bare pod", () => {
    const bare = app("debug", { namespace: "a", state: crashLoop(1) }).pods[0]!;
    bare.metadata.ownerReferences = [];
    expect(triage(snapshot("a", { pods: [bare] })).blastRadius).toBe("single-pod");
  });

  it("single-workload: every pod of one workload", () => {
    expect(
      triage(snapshot("a", app("web", { namespace: "a", replicas: 3, state: crashLoop(1) }).part))
        .blastRadius,
    ).toBe("single-workload");
  });

  it("single-namespace: several workloads in one namespace", () => {
    const snap = snapshot(
      "a",
      app("web", { namespace: "a", state: crashLoop(1) }).part,
      app("api", { namespace: "a", state: crashLoop(1) }).part,
    );
    expect(triage(snap).blastRadius).toBe("single-namespace");
  });

  it("multiple-namespaces", () => {
    const snap = snapshot(
      undefined,
      app("web", { namespace: "a", state: crashLoop(1) }).part,
      app("web", { namespace: "b", state: crashLoop(1) }).part,
    );
    expect(triage(snap).blastRadius).toBe("multiple-namespaces");
  });

  it("cluster-wide: a NotReady node", () => {
    const snap = snapshot(undefined, app("web", { namespace: "a", nodeName: "n1" }).part, {
      nodes: [node("n1", { ready: "False" })],
    });
    expect(triage(snap).blastRadius).toBe("cluster-wide");
  });
});

describe("severity and headline", () => {
  it("prod-like namespace names", () => {
    expect(["prod", "prod-api", "payments-prod", "production", "eu.prod.web", "prd"].every(isProdLike)).toBe(
      true,
    );
    expect(["product-catalog", "staging", "a-team", "reproduce"].some(isProdLike)).toBe(false);
  });

  it("P1 when a prod workload is at 0 available; P2 for the same outside prod", () => {
    expect(
      triage(snapshot("prod-api", app("web", { namespace: "prod-api", state: crashLoop(1) }).part)).severity,
    ).toBe("P1");
    expect(
      triage(snapshot("staging", app("web", { namespace: "staging", state: crashLoop(1) }).part)).severity,
    ).toBe("P2");
  });

  it("P2 when a prod workload is short of replicas, P3 outside prod", () => {
    const partial = (ns: string) => {
      const web = app("web", { namespace: ns, replicas: 3 });
      web.pods.pop();
      const sick = app("web", { namespace: ns, state: crashLoop(1) }).pods[0]!;
      sick.metadata.name = "web-sick";
      sick.metadata.ownerReferences = web.pods[0]!.metadata.ownerReferences;
      return snapshot(ns, web.part, { pods: [sick] });
    };
    expect(triage(partial("prod")).severity).toBe("P2");
    expect(triage(partial("dev")).severity).toBe("P3");
  });

  it("P4 for a cause with no availability impact outside prod", () => {
    const result = triage(
      snapshot("dev", app("web", { namespace: "dev" }).part, {
        horizontalPodAutoscalers: [hpa("web", { kind: "Deployment", name: "nope" }, { namespace: "dev" })],
      }),
    );
    expect(result.rootCauses).toHaveLength(1);
    expect(result.severity).toBe("P4");
  });

  it("headline counts unavailable and degraded workloads", () => {
    const snap = snapshot(
      "shop",
      app("web", { namespace: "shop", state: crashLoop(1) }).part,
      app("api", { namespace: "shop" }).part,
    );
    expect(triage(snap).headline).toBe("1 root cause in shop: 1 of 2 deployments unavailable");
  });
});

describe("ranking", () => {
  it("a workload down to 0 ranks above one that still serves, then by affected pods", () => {
    const down = app("down", { namespace: "a", replicas: 1, state: crashLoop(1) });
    const wide = app("wide", { namespace: "a", replicas: 4 });
    const sick = app("wide", { namespace: "a", replicas: 2, state: crashLoop(1) }).pods;
    sick.forEach((pod, i) => {
      pod.metadata.name = `wide-sick-${i}`;
      pod.metadata.ownerReferences = wide.pods[0]!.metadata.ownerReferences;
    });
    const result = triage(snapshot("a", down.part, wide.part, { pods: sick }));
    expect(result.rootCauses.map((c) => c.resource.name)).toEqual(["down", "wide"]);
  });
});

describe("severity of broken request paths", () => {
  it("an Ingress to a missing Service is P3 outside prod and P2 in prod, though every workload runs", () => {
    const make = (ns: string) =>
      snapshot(ns, app("web", { namespace: ns }).part, { ingresses: [ingress("site", "nope", 80, ns)] });
    expect(triage(make("dev")).severity).toBe("P3");
    expect(triage(make("prod")).severity).toBe("P2");
  });
});

describe("failed batch work", () => {
  it("a CronJob that keeps failing is P3 and the headline stays one short line", () => {
    const cj = cronJob("etl", "data");
    const failed = job("etl-1", { namespace: "data", failed: true, cronJob: cj });
    failed.status!.conditions![0]!.message = "x".repeat(400);
    const result = triage(snapshot("data", { cronJobs: [cj], jobs: [failed] }));
    expect(result.severity).toBe("P3");
    expect(result.headline.length).toBeLessThanOrEqual(200);
    expect(result.headline.startsWith("1 root cause in data: etl (CronJob) failed")).toBe(true);
  });
});
