import { describe, expect, it } from "vitest";
import { tickDecimals, timeTickLabel, windowLabel } from "../../../src/charts/format.js";
import { axisUnit, formatIn, formatValue, utcClock } from "../../../src/charts/index.js";
import { niceStep, timeTicks, valueScale } from "../../../src/charts/scale.js";

const MiB = 1024 * 1024;

describe("unit formatting", () => {
  it("writes bytes in binary units chosen from the largest value", () => {
    expect(formatValue(128 * MiB, "bytes")).toBe("128 MiB");
    expect(formatValue(1.5 * 1024 * MiB, "bytes")).toBe("1.5 GiB");
    expect(formatValue(512, "bytes")).toBe("512 B");
    const axis = axisUnit("bytes", 300 * MiB);
    expect(formatIn(0, axis)).toBe("0 MiB");
    expect(formatIn(50 * MiB, axis)).toBe("50 MiB");
  });

  it("writes cores as millicores below one core, ratios and percents as %", () => {
    expect(formatValue(0.25, "cores")).toBe("250m");
    expect(formatValue(2, "cores")).toBe("2 cores");
    expect(formatValue(0.05, "ratio")).toBe("5%");
    expect(formatValue(97.5, "percent")).toBe("97.5%");
    expect(formatValue(0.2, "seconds")).toBe("200ms");
    expect(formatValue(300, "seconds")).toBe("5 min");
    expect(formatValue(25_000, "count")).toBe("25k");
  });

  it("gives ticks enough decimals to tell them apart", () => {
    const percent = axisUnit("ratio", 0.12);
    expect(tickDecimals(0.025, percent)).toBe(1);
    expect(formatIn(0.075, percent, tickDecimals(0.025, percent))).toBe("7.5%");
    expect(tickDecimals(50 * MiB, axisUnit("bytes", 200 * MiB))).toBe(0);
    expect(tickDecimals(0.25, axisUnit("count", 1))).toBe(2);
  });

  it("writes times as HH:MM in UTC", () => {
    expect(utcClock(Date.UTC(2026, 0, 1, 7, 5))).toBe("07:05");
    // Over a day, the date is needed to tell two 00:00 ticks apart.
    const day = 24 * 3600_000;
    expect(timeTickLabel(Date.UTC(2026, 0, 2), day)).toBe("01-02 00:00");
    expect(timeTickLabel(Date.UTC(2026, 0, 2, 6), day, Date.UTC(2026, 0, 2))).toBe("06:00");
    expect(timeTickLabel(Date.UTC(2026, 0, 3), day, Date.UTC(2026, 0, 2, 18))).toBe("01-03 00:00");
    expect(timeTickLabel(Date.UTC(2026, 0, 2), 3600_000)).toBe("00:00");
    expect(windowLabel(Date.UTC(2026, 0, 2, 12), Date.UTC(2026, 0, 2, 13))).toBe("12:00–13:00 UTC");
    expect(windowLabel(Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 3))).toBe("01-02 00:00 – 01-03 00:00 UTC");
  });
});

describe("scales", () => {
  it("rounds steps to 1, 2, 2.5, 5 × 10^k", () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(23)).toBe(25);
    expect(niceStep(31)).toBe(50);
    expect(niceStep(1800)).toBe(2000);
  });

  it("starts non-negative data at zero and steps in the axis unit", () => {
    const axis = axisUnit("bytes", 128 * MiB);
    const scale = valueScale(40 * MiB, 128 * MiB, axis);
    expect(scale.min).toBe(0);
    expect(scale.max).toBeGreaterThanOrEqual(128 * MiB);
    expect((scale.step / MiB) % 5).toBe(0);
    expect(scale.ticks[0]).toBe(0);
    expect(scale.ticks.at(-1)).toBe(scale.max);
  });

  it("gives a flat series a visible range", () => {
    const scale = valueScale(0, 0, axisUnit("count", 0));
    expect(scale.max).toBeGreaterThan(0);
    const negative = valueScale(-5, -5, axisUnit("none", 5));
    expect(negative.max).toBeGreaterThan(negative.min);
  });

  it("puts time ticks on clock-friendly minutes inside the window", () => {
    const start = Date.UTC(2026, 0, 1, 12, 3);
    const ticks = timeTicks(start, start + 60 * 60_000);
    expect(ticks.map(utcClock)).toEqual(["12:10", "12:20", "12:30", "12:40", "12:50", "13:00"]);
    const day = timeTicks(start, start + 24 * 3600_000);
    expect(day.length).toBeLessThanOrEqual(6);
    expect(day.every((tick) => tick % (3600_000 * 3) === 0)).toBe(true);
  });
});
