import { describe, expect, it } from "vitest";
import type { KubeEvent, Pod } from "../../../src/domain/kube.js";
import { tail, trimEvents } from "../../../src/k8s/collect.js";
import { failingContainers, selectLogTargets } from "../../../src/k8s/failing-containers.js";

function pod(name: string, owner: string, status: Pod["status"]): Pod {
  return {
    kind: "Pod",
    metadata: {
      name,
      namespace: "ns",
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: owner, controller: true },
      ],
    },
    spec: { containers: [{ name: "app" }] },
    status,
  };
}

const crashLoop = (restartCount: number) => ({
  name: "app",
  ready: false,
  restartCount,
  state: { waiting: { reason: "CrashLoopBackOff" } },
  lastState: { terminated: { exitCode: 137 } },
});

describe("failingContainers", () => {
  it("reads the previous log of a crash-looping container", () => {
    expect(failingContainers(pod("a", "rs", { containerStatuses: [crashLoop(4)] }))).toEqual([
      { namespace: "ns", pod: "a", container: "app", previous: true, owner: "ns/ReplicaSet/rs" },
    ]);
  });

  it("reads the current log of a container terminated non-zero, and of a failed init container", () => {
    const targets = failingContainers(
      pod("a", "rs", {
        initContainerStatuses: [
          {
            name: "migrate-db",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: "Error" } },
          },
        ],
        containerStatuses: [
          { name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "PodInitializing" } } },
        ],
      }),
    );
    expect(targets).toEqual([
      { namespace: "ns", pod: "a", container: "migrate-db", previous: false, owner: "ns/ReplicaSet/rs" },
    ]);
  });

  it("ignores healthy, completed and image-pull-waiting containers", () => {
    const statuses = [
      { name: "ok", ready: true, restartCount: 0, state: { running: {} } },
      { name: "done", ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
      { name: "pull", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff" } } },
    ];
    expect(failingContainers(pod("a", "rs", { containerStatuses: statuses }))).toEqual([]);
  });
});

describe("selectLogTargets", () => {
  it("caps the count and spreads it round-robin across owners", () => {
    const pods = [
      ...Array.from({ length: 30 }, (_, i) => pod(`big-${i}`, "big", { containerStatuses: [crashLoop(2)] })),
      pod("small-0", "small", { containerStatuses: [crashLoop(1)] }),
    ];
    const picked = selectLogTargets(pods, 5);
    expect(picked).toHaveLength(5);
    expect(picked.map((t) => t.pod)).toEqual(["big-0", "small-0", "big-1", "big-2", "big-3"]);
    expect(selectLogTargets(pods, 100)).toHaveLength(31);
  });
});

describe("trimEvents", () => {
  const event = (type: string, last: string): KubeEvent => ({
    kind: "Event",
    metadata: { name: `${type}-${last}` },
    involvedObject: {},
    type,
    lastTimestamp: last,
  });
  const events = [
    event("Normal", "2026-01-15T07:00:00Z"),
    event("Normal", "2026-01-15T08:30:00Z"),
    event("Warning", "2026-01-15T05:00:00Z"),
  ];

  it("keeps everything under the threshold", () => {
    expect(trimEvents(events, "2026-01-15T09:00:00Z", 10, 3_600_000)).toHaveLength(3);
  });

  it("drops only old Normal events above it", () => {
    const kept = trimEvents(events, "2026-01-15T09:00:00Z", 2, 3_600_000);
    expect(kept.map((e) => e.metadata.name)).toEqual([
      "Normal-2026-01-15T08:30:00Z",
      "Warning-2026-01-15T05:00:00Z",
    ]);
  });
});

describe("tail", () => {
  it("keeps the end of a long log, starting at a line boundary", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const out = tail(text, 30);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(30);
    expect(out.endsWith("line 99")).toBe(true);
    expect(out.startsWith("line ")).toBe(true);
    expect(tail("short", 30)).toBe("short");
  });
});
