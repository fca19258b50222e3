import { describe, expect, it } from "vitest";
import type { SymptomClass } from "../../../src/domain/types.js";
import { triage } from "../../../src/triage/index.js";
import { app, crashLoop, event, log, node, snapshot } from "../../fixtures/triage/builders.js";

describe("symptom classification", () => {
  const pending = app("pending", { unschedulable: "0/1 nodes are available: 1 Insufficient cpu." });
  const crashing = app("crashing", { state: crashLoop(1) });
  const oom = app("oom", { state: crashLoop(137, "OOMKilled") });
  const pull = app("pull", { state: { waiting: "ImagePullBackOff", message: "Back-off pulling image" } });
  const config = app("config", {
    state: { waiting: "CreateContainerConfigError", message: 'secret "s" not found' },
  });
  const init = app("init", {
    initContainers: [{ name: "setup" }],
    initStates: { setup: crashLoop(2) },
    state: { waiting: "PodInitializing" },
    phase: "Pending",
  });
  const unready = app("unready", { state: { running: true, ready: false } });
  const mount = app("mount", { state: { waiting: "ContainerCreating" } });
  const onDeadNode = app("stranded", { nodeName: "dead" });
  const snap = snapshot(
    "default",
    pending.part,
    crashing.part,
    oom.part,
    pull.part,
    config.part,
    init.part,
    unready.part,
    mount.part,
    onDeadNode.part,
    {
      nodes: [node("node-1"), node("dead", { ready: "Unknown" })],
      readyz: "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n",
      events: [
        event(
          mount.pods[0]!,
          "FailedMount",
          'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "data" not found',
        ),
      ],
      logs: [log(crashing.pods[0]!, "crashing", "dial tcp: lookup db on 10.96.0.10:53: no such host")],
    },
  );
  const result = triage(snap);
  const names = (c: SymptomClass) =>
    result.symptoms.find((s) => s.class === c)?.resources.map((r) => r.name.split("-")[0]) ?? [];

  it.each<[SymptomClass, string[]]>([
    ["pending-pods", ["pending", "pull", "config", "init", "mount"]],
    ["crashloop-pods", ["crashing"]],
    ["oom-killed", ["oom"]],
    ["image-pull-errors", ["pull"]],
    ["config-errors", ["config"]],
    ["init-failures", ["init"]],
    ["not-ready", ["unready"]],
    ["network-dns-issues", ["crashing"]],
    ["storage-issues", ["mount"]],
    ["scheduling-failures", ["pending"]],
    ["node-failures", ["dead"]],
    ["control-plane-degraded", ["kube"]],
  ])("%s: %o", (cls, expected) => {
    expect(names(cls).sort()).toEqual(expected.sort());
  });

  it("lists classes in the documented order, each once", () => {
    expect(result.symptoms.map((s) => s.class)).toEqual([
      "pending-pods",
      "crashloop-pods",
      "oom-killed",
      "image-pull-errors",
      "config-errors",
      "init-failures",
      "not-ready",
      "network-dns-issues",
      "storage-issues",
      "scheduling-failures",
      "node-failures",
      "control-plane-degraded",
    ]);
  });
});

describe("result envelope", () => {
  it("copies gaps, counts pods and events in scope, uses the snapshot's clock", () => {
    const web = app("web");
    const snap = snapshot("default", web.part, app("other", { namespace: "elsewhere" }).part, {
      gaps: [
        { resource: "secrets", namespace: "default", reason: "forbidden", message: "secrets is forbidden" },
      ],
      events: [event(web.pods[0]!, "Pulled", "ok", { type: "Normal" })],
      requestCount: 31,
    });
    const result = triage(snap);
    expect(result.gaps).toEqual(snap.gaps);
    expect(result.stats).toEqual({ pods: 1, events: 1, apiRequests: 31 });
    expect(result.collectedAt).toBe(snap.collectedAt);
    expect(result.namespace).toBe("default");
    expect(triage({ ...snap, scope: { allNamespaces: true } }).namespace).toBe("*");
  });

  it("`now` overrides the snapshot clock: a warning becomes old news", () => {
    const web = app("web", {
      state: {
        running: true,
        ready: true,
        restarts: 3,
        last: { exitCode: 137, reason: "OOMKilled", finishedAt: "2026-11-21T08:50:00Z" },
      },
    });
    expect(triage(snapshot("default", web.part)).rootCauses.map((c) => c.category)).toEqual(["oom-killed"]);
    expect(triage(snapshot("default", web.part), { now: "2026-11-22T09:00:00Z" }).rootCauses).toEqual([]);
  });
});
