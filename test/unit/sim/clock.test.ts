import { afterEach, describe, expect, it, vi } from "vitest";
import { driveClock, parseClockMode, SimClock } from "../../../src/sim/clock.js";

describe("--clock modes", () => {
  it.each([
    ["realtime", { kind: "realtime", factor: 1 }],
    ["frozen", { kind: "frozen" }],
    ["x10", { kind: "realtime", factor: 10 }],
    ["10x", { kind: "realtime", factor: 10 }],
    ["x0.5", { kind: "realtime", factor: 0.5 }],
  ])("%s", (text, mode) => {
    expect(parseClockMode(text)).toEqual(mode);
  });

  it.each(["", "x0", "fast", "x-2", "10"])("rejects %j", (text) => {
    expect(parseClockMode(text)).toBeUndefined();
  });
});

describe("driveClock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("advances the simulated clock by the wall time that passed, times the factor, and stops", () => {
    vi.useFakeTimers();
    let wall = 1_000;
    const clock = new SimClock("2026-01-15T09:00:00Z");
    const stop = driveClock(clock, 10, 1000, () => wall);
    wall += 1_500; // a slow tick: the next advance covers all of it, no drift
    vi.advanceTimersByTime(1000);
    expect(clock.now()).toBe("2026-01-15T09:00:15Z");
    wall += 1_000;
    vi.advanceTimersByTime(1000);
    expect(clock.now()).toBe("2026-01-15T09:00:25Z");
    stop();
    wall += 5_000;
    vi.advanceTimersByTime(5000);
    expect(clock.now()).toBe("2026-01-15T09:00:25Z");
  });
});
