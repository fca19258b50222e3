import { describe, expect, it } from "vitest";
import type { KubeEvent } from "../../../src/domain/kube.js";
import { emptySnapshot } from "../../../src/domain/snapshot.js";
import type { Snapshot } from "../../../src/domain/types.js";
import { formatWarningEvents } from "../../../src/k8s/evidence.js";
import { snapshotToStateFile } from "../../../src/k8s/state-export.js";
import { parseStateFile } from "../../../src/sim/state-file.js";

function snapshot(): Snapshot {
  return emptySnapshot({
    collectedAt: "2026-01-15T09:00:00Z",
    source: { type: "live" },
    scope: { namespace: "shop", allNamespaces: false },
    readyz: "[+]ping ok\nreadyz check passed\n",
    namespaces: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }],
    pods: [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-0", namespace: "shop" },
        spec: { containers: [{ name: "web", image: "nginx" }] },
        status: { phase: "Running" },
      },
    ],
    events: [
      warning("b", "2026-01-15T08:59:00Z"),
      { ...warning("n", "2026-01-15T08:00:00Z"), type: "Normal" },
      warning("a", "2026-01-15T08:30:00Z"),
    ],
    logs: [{ namespace: "shop", pod: "web-0", container: "web", previous: true, text: "boom\n" }],
    gaps: [],
  });
}

function warning(name: string, last: string): KubeEvent {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: "shop" },
    involvedObject: { kind: "Pod", namespace: "shop", name: "web-0" },
    type: "Warning",
    reason: "BackOff",
    message: `message ${name}`,
    count: name === "a" ? 3 : 1,
    lastTimestamp: last,
  };
}

describe("snapshotToStateFile", () => {
  it("writes a state file that parses back to the same objects, logs, readyz and clock", () => {
    const source = snapshot();
    const parsed = parseStateFile(snapshotToStateFile(source), "snapshot.yaml");
    expect(parsed.clock).toBe("2026-01-15T09:00:00Z");
    expect(parsed.readyz).toBe(source.readyz);
    expect(parsed.logs).toEqual(source.logs);
    expect(parsed.objects).toEqual([...source.namespaces, ...source.pods, ...source.events]);
    expect(parsed.warnings).toEqual([]);
  });
});

describe("formatWarningEvents", () => {
  it("lists Warning events oldest first with object, reason, count and message", () => {
    expect(formatWarningEvents(snapshot().events)).toBe(
      "2026-01-15T08:30:00Z  shop/Pod/web-0  BackOff (x3): message a\n" +
        "2026-01-15T08:59:00Z  shop/Pod/web-0  BackOff: message b\n",
    );
    expect(formatWarningEvents([])).toBe("");
  });
});
