import type { MetricUnit } from "../domain/metrics.js";

/**
 * How a unit's values are written on an axis: one divisor and suffix for every tick of the axis,
 * chosen from the largest value shown, so ticks read "0, 64 MiB, 128 MiB" rather than mixing
 * units, and the tick steps are "nice" in the shown unit (binary for bytes).
 */
export interface AxisUnit {
  /** A raw value divided by this is the number written. */
  divisor: number;
  /** Written after the number ("MiB", "%", "m"), with a space when `spaced`. */
  suffix: string;
  spaced: boolean;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** The axis unit for values up to `max` (absolute) of `unit`. */
export function axisUnit(unit: MetricUnit, max: number): AxisUnit {
  const top = Math.abs(Number.isFinite(max) ? max : 0);
  switch (unit) {
    case "bytes": {
      let power = 0;
      while (power < BYTE_UNITS.length - 1 && top >= 1024 ** (power + 1)) power += 1;
      return { divisor: 1024 ** power, suffix: BYTE_UNITS[power] ?? "B", spaced: true };
    }
    case "cores":
      // Kubernetes writes fractions of a core as millicores.
      return top < 1
        ? { divisor: 0.001, suffix: "m", spaced: false }
        : { divisor: 1, suffix: "cores", spaced: true };
    case "ratio":
      return { divisor: 0.01, suffix: "%", spaced: false };
    case "percent":
      return { divisor: 1, suffix: "%", spaced: false };
    case "seconds":
      if (top < 1) return { divisor: 0.001, suffix: "ms", spaced: false };
      if (top >= 120) return { divisor: 60, suffix: "min", spaced: true };
      return { divisor: 1, suffix: "s", spaced: false };
    case "count":
    case "none":
      if (top >= 1e9) return { divisor: 1e9, suffix: "G", spaced: false };
      if (top >= 1e6) return { divisor: 1e6, suffix: "M", spaced: false };
      if (top >= 1e4) return { divisor: 1e3, suffix: "k", spaced: false };
      return { divisor: 1, suffix: "", spaced: false };
  }
}

/** Writes `value` in `axis`, with at most `decimals` decimals and no trailing zeros. */
export function formatIn(value: number, axis: AxisUnit, decimals = 2): string {
  const scaled = value / axis.divisor;
  const fixed = scaled.toFixed(decimals);
  const number = fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  const clean = number === "-0" ? "0" : number;
  if (!axis.suffix) return clean;
  return axis.spaced ? `${clean} ${axis.suffix}` : `${clean}${axis.suffix}`;
}

/** One value written on its own (a threshold label, alt text): its unit chosen from the value itself. */
export function formatValue(value: number, unit: MetricUnit): string {
  return formatIn(value, axisUnit(unit, value), 2);
}

/** Decimals that write every multiple of `step` in `axis` exactly (2.5 → 1, 0.25 → 2, 50 → 0). */
export function tickDecimals(step: number, axis: AxisUnit): number {
  const scaled = Math.abs(step / axis.divisor);
  for (let decimals = 0; decimals < 6; decimals += 1) {
    const shifted = scaled * 10 ** decimals;
    if (Math.abs(shifted - Math.round(shifted)) < 1e-6 * Math.max(1, shifted)) return decimals;
  }
  return 6;
}

/** `HH:MM` in UTC: the thread's readers sit in many time zones, and the bot's other times are UTC. */
export function utcClock(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** Windows this long or longer write dates: a day's ticks run 00:00 to 00:00. */
const DATED_SPAN_MS = 20 * 3600_000;

function utcDay(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/**
 * A time tick's label: `HH:MM`; over long windows the first tick of each UTC day also gets its
 * date (`12-05 00:00`), so two midnights are told apart.
 */
export function timeTickLabel(ms: number, spanMs: number, previousMs?: number): string {
  if (spanMs < DATED_SPAN_MS) return utcClock(ms);
  const newDay = previousMs === undefined || utcDay(previousMs) !== utcDay(ms);
  return newDay ? `${utcDay(ms)} ${utcClock(ms)}` : utcClock(ms);
}

/** The window, in UTC: `12:00–13:00 UTC`, with dates when it is long. */
export function windowLabel(startMs: number, endMs: number): string {
  if (endMs - startMs < DATED_SPAN_MS) return `${utcClock(startMs)}–${utcClock(endMs)} UTC`;
  return `${utcDay(startMs)} ${utcClock(startMs)} – ${utcDay(endMs)} ${utcClock(endMs)} UTC`;
}
