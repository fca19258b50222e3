import { describe, expect, it } from "vitest";
import type { KubeEvent } from "../../../src/domain/kube.js";
import { eventTimeMs, isRecent, quoteEvent } from "../../../src/triage/events.js";

const base: KubeEvent = {
  metadata: { name: "e", namespace: "ns", creationTimestamp: "2026-11-21T07:00:00Z" },
  involvedObject: { kind: "Pod", namespace: "ns", name: "web-1" },
  type: "Warning",
  reason: "BackOff",
  message: "Back-off restarting failed container web",
};

describe("event time and quoting", () => {
  it("uses the newest timestamp an event carries, events.k8s.io series included", () => {
    expect(eventTimeMs({ ...base, lastTimestamp: "2026-11-21T08:00:00Z" })).toBe(
      Date.parse("2026-11-21T08:00:00Z"),
    );
    expect(
      eventTimeMs({
        ...base,
        series: { count: 40, lastObservedTime: "2026-11-21T08:30:00Z" },
        eventTime: "2026-11-21T06:00:00Z",
      }),
    ).toBe(Date.parse("2026-11-21T08:30:00Z"));
    expect(eventTimeMs(base)).toBe(Date.parse("2026-11-21T07:00:00Z"));
    expect(
      isRecent({ ...base, lastTimestamp: "2026-11-21T08:30:00Z" }, Date.parse("2026-11-21T09:00:00Z")),
    ).toBe(true);
    expect(
      isRecent({ ...base, lastTimestamp: "2026-11-21T07:30:00Z" }, Date.parse("2026-11-21T09:00:00Z")),
    ).toBe(false);
  });

  it("quotes the message verbatim with the object and the repeat count", () => {
    expect(quoteEvent({ ...base, count: 12 })).toBe(
      "Warning BackOff Pod ns/web-1 (x12): Back-off restarting failed container web",
    );
    expect(quoteEvent({ ...base, series: { count: 3 } })).toBe(
      "Warning BackOff Pod ns/web-1 (x3): Back-off restarting failed container web",
    );
  });
});
