import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { decideSignal, eventTime, selectorMatches } from "../../../src/detect/event-filter.js";
import { incidentKey, owningWorkload } from "../../../src/detect/incident-key.js";
import type { KubeEvent } from "../../../src/domain/kube.js";

const policy = parsePolicy(`
namespaces: ["prod-*", "a-team"]
routes:
  - {namespaces: ["prod-*"], channel: C0PROD, notifyOnStart: true, notifyOnComplete: false}
automatic:
  - selector: {type: Warning, reason: FailedScheduling, kind: Pod, namespace: "a-team", message: "persistentvolumeclaim"}
    mode: automatic
    confidenceThreshold: 0.85
    maxRiskLevel: low
    channel: C0ATEAM
    eventsPerMinute: 2
    cooldownMinutes: 5
rateLimiting: {eventsPerMinute: 5, cooldownMinutes: 15}
`);

describe("event selectors", () => {
  it("requires every given field: exact reason/kind, namespace glob, case-insensitive message regex", () => {
    const selector = { reason: "BackOff", namespace: "prod-*", message: "restarting FAILED" };
    expect(
      selectorMatches(selector, {
        reason: "BackOff",
        namespace: "prod-api",
        message: "Back-off restarting failed container",
      }),
    ).toBe(true);
    expect(
      selectorMatches(selector, { reason: "BackOff", namespace: "staging", message: "restarting failed" }),
    ).toBe(false);
    expect(
      selectorMatches(selector, { reason: "Failed", namespace: "prod-api", message: "restarting failed" }),
    ).toBe(false);
  });

  it("routes a prod Warning to its channel in manual mode with the route's notify flags and global limits", () => {
    const decision = decideSignal(policy, {
      type: "Warning",
      reason: "BackOff",
      kind: "Pod",
      namespace: "prod-api",
      message: "x",
    });
    expect(decision).toEqual({
      action: "incident",
      mode: "manual",
      channel: "C0PROD",
      notifyOnStart: true,
      notifyOnComplete: false,
      eventsPerMinute: 5,
      cooldownMinutes: 15,
    });
  });

  it("applies a matching automatic rule with its own channel and limits", () => {
    const decision = decideSignal(policy, {
      type: "Warning",
      reason: "FailedScheduling",
      kind: "Pod",
      namespace: "a-team",
      message: '0/1 nodes are available: persistentvolumeclaim "postgres-pvc" not found.',
    });
    expect(decision).toMatchObject({
      action: "incident",
      mode: "automatic",
      ruleIndex: 0,
      channel: "C0ATEAM",
      eventsPerMinute: 2,
      cooldownMinutes: 5,
    });
  });

  it("ignores Normal events, namespaces outside the policy, and namespaces with no route or rule", () => {
    expect(decideSignal(policy, { type: "Normal", namespace: "prod-api" })).toMatchObject({
      action: "ignore",
    });
    expect(decideSignal(policy, { type: "Warning", namespace: "kube-system" })).toEqual({
      action: "ignore",
      reason: "namespace kube-system is outside the policy's namespaces",
    });
    expect(decideSignal(policy, { type: "Warning", namespace: "a-team", reason: "BackOff" })).toEqual({
      action: "ignore",
      reason: "no route or rule for namespace a-team",
    });
  });

  it("takes the newest timestamp an event carries", () => {
    const event = {
      metadata: { name: "e", creationTimestamp: "2026-01-01T00:00:00Z" },
      involvedObject: {},
      firstTimestamp: "2026-01-01T00:00:00Z",
      lastTimestamp: "2026-01-01T00:05:00Z",
    } as KubeEvent;
    expect(eventTime(event)).toBe(Date.parse("2026-01-01T00:05:00Z"));
  });
});

describe("incident keys", () => {
  it("follows controller owners Pod -> ReplicaSet -> Deployment", async () => {
    const owners: Record<string, { kind: string; name: string }> = {
      "Pod/web-7d9f8c6b5d-x2x9z": { kind: "ReplicaSet", name: "web-7d9f8c6b5d" },
      "ReplicaSet/web-7d9f8c6b5d": { kind: "Deployment", name: "web" },
    };
    const lookup = { ownerOf: async (kind: string, _ns: string, name: string) => owners[`${kind}/${name}`] };
    const workload = await owningWorkload(
      { kind: "Pod", namespace: "prod", name: "web-7d9f8c6b5d-x2x9z" },
      lookup,
    );
    expect(workload).toEqual({ kind: "Deployment", namespace: "prod", name: "web" });
    expect(incidentKey(workload)).toBe("prod/Deployment/web");
  });

  it("falls back to the ReplicaSet pod-name shape when the pod is already gone", async () => {
    const lookup = { ownerOf: async () => undefined };
    expect(
      await owningWorkload({ kind: "Pod", namespace: "p", name: "api-gateway-5f7b9c8d4-abcde" }, lookup),
    ).toEqual({
      kind: "Deployment",
      namespace: "p",
      name: "api-gateway",
    });
    expect(await owningWorkload({ kind: "Pod", namespace: "p", name: "standalone" }, lookup)).toEqual({
      kind: "Pod",
      namespace: "p",
      name: "standalone",
    });
  });
});
