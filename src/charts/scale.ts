import type { AxisUnit } from "./format.js";

/** A value axis: its domain (nice-rounded) and the tick values inside it. */
export interface ValueScale {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** The nice step (1, 2, 2.5 or 5 × 10^k) closest above `raw`. */
export function niceStep(raw: number): number {
  if (!Number.isFinite(raw) || raw <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * A value axis covering `[low, high]` with about `target` ticks. Steps are nice in the axis unit
 * (so a bytes axis in MiB steps by 50 MiB, not by 52428800 B). Non-negative data starts at zero so
 * memory against its limit is not exaggerated; a flat series still gets a visible range.
 */
export function valueScale(low: number, high: number, axis: AxisUnit, target = 5): ValueScale {
  let lo = Number.isFinite(low) ? low : 0;
  let hi = Number.isFinite(high) ? high : 1;
  if (lo >= 0) lo = 0;
  if (hi <= lo) hi = lo + (Math.abs(lo) * 0.1 || axis.divisor);
  // A little headroom so the top line or the threshold does not sit on the frame.
  hi += (hi - lo) * 0.05;
  const step = niceStep((hi - lo) / axis.divisor / Math.max(1, target)) * axis.divisor;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let index = 0; index <= Math.round((max - min) / step); index += 1) {
    // Multiplying rather than adding keeps 0.1 + 0.2 errors out of the tick values.
    ticks.push(Number((min + index * step).toPrecision(12)));
  }
  return { min, max, step, ticks };
}

const MINUTE = 60_000;
/** Time tick intervals, in minutes: what a human reads off a clock. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/** Tick times (ms) inside `[startMs, endMs]` at a clock-friendly interval, about `target` of them. */
export function timeTicks(startMs: number, endMs: number, target = 6): number[] {
  const span = Math.max(MINUTE, endMs - startMs);
  const minutes = TIME_STEPS.find((step) => span / (step * MINUTE) <= target) ?? 1440;
  const step = minutes * MINUTE;
  const ticks: number[] = [];
  for (let at = Math.ceil(startMs / step) * step; at <= endMs; at += step) ticks.push(at);
  return ticks;
}

/** Maps a domain linearly onto a pixel range (`to` may be below `from`, as the y axis is). */
export function linear(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const width = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / width) * (r1 - r0);
}
