import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { SimClock } from "../../../src/sim/clock.js";
import type { ResourceRequest, SimContext } from "../../../src/sim/http/context.js";
import { commitWrite } from "../../../src/sim/http/write.js";
import { defaultIdentities } from "../../../src/sim/identities.js";
import { kindByName } from "../../../src/sim/kinds.js";
import { ApiError } from "../../../src/sim/status.js";
import { SimStore } from "../../../src/sim/store.js";

function setup() {
  const clock = new SimClock("2026-01-15T09:00:00Z");
  const store = new SimStore({ now: () => clock.now(), nowMs: () => clock.nowMs() });
  let reconciles = 0;
  const context: SimContext = { store, clock, health: {}, reconcile: () => void reconciles++ };
  const request = (dryRun: boolean): ResourceRequest => ({
    request: { headers: { "user-agent": "kubectl/v1.32.4 (linux/amd64)" } } as unknown as IncomingMessage,
    response: {} as ServerResponse,
    url: new URL("http://sim.invalid/"),
    query: {},
    identity: defaultIdentities().executor,
    route: { type: "resource", spec: kindByName("Deployment")!, namespace: "ns", watchPath: false },
    form: "object",
    dryRun,
    finish: () => {},
  });
  return { store, context, request, reconciles: () => reconciles };
}

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "ns" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "app", image: "web:1" }] },
    },
  },
  status: { replicas: 9 },
});

describe("commitWrite", () => {
  it("dry-run validates and answers the would-be object but persists and reconciles nothing", () => {
    const { store, context, request, reconciles } = setup();
    const before = store.resourceVersion;
    const result = commitWrite(context, request(true), kindByName("Deployment")!, deployment(), undefined, {
      operation: "Create",
    });
    expect(result.metadata.uid).toBeTruthy();
    expect(result.metadata.generation).toBe(1);
    expect((result.spec as { replicas: number }).replicas).toBe(1);
    expect(result.status).toBeUndefined();
    expect(store.get("Deployment", "ns", "web")).toBeUndefined();
    expect(store.resourceVersion).toBe(before);
    expect(reconciles()).toBe(0);
    const invalid = deployment();
    (invalid.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers = [];
    expect(() =>
      commitWrite(context, request(true), kindByName("Deployment")!, invalid, undefined, {
        operation: "Create",
      }),
    ).toThrow(ApiError);
  });

  it("persists a real write, records the manager, keeps status on spec writes and skips no-op updates", () => {
    const { store, context, request, reconciles } = setup();
    const spec = kindByName("Deployment")!;
    const created = commitWrite(context, request(false), spec, deployment(), undefined, {
      operation: "Create",
    });
    expect(reconciles()).toBe(1);
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: "kubectl", operation: "Update" }),
    ]);
    const withStatus = store.write({ ...created, status: { replicas: 1 } });
    const same = commitWrite(context, request(false), spec, structuredClone(withStatus), withStatus, {
      operation: "Update",
    });
    expect(same.metadata.resourceVersion).toBe(withStatus.metadata.resourceVersion);
    const changed = structuredClone(withStatus);
    (changed.spec as { replicas: number }).replicas = 3;
    changed.status = { replicas: 42 };
    const updated = commitWrite(context, request(false), spec, changed, withStatus, { operation: "Update" });
    expect(updated.metadata.generation).toBe(2);
    expect(updated.status).toEqual({ replicas: 1 });
    const stale = { ...structuredClone(updated), metadata: { ...updated.metadata, resourceVersion: "1" } };
    expect(() => commitWrite(context, request(false), spec, stale, updated, { operation: "Update" })).toThrow(
      /has been modified/,
    );
  });
});
