/**
 * Known samples for a real Prometheus (tests, bench): OpenMetrics text that
 * `promtool tsdb create-blocks-from openmetrics` turns into TSDB blocks before the server starts.
 */

/** One series and its samples, `[unix seconds, value]`, oldest first. */
export interface SampleSeries {
  name: string;
  labels: Record<string, string>;
  samples: [number, number][];
}

/** OpenMetrics text for promtool (one gauge family per metric name, each series contiguous). */
export function openMetrics(series: SampleSeries[]): string {
  const byName = new Map<string, SampleSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, members] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of members) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      for (const [t, v] of s.samples) lines.push(`${name}{${labels}} ${v} ${t}`);
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

/**
 * Samples every `every` seconds from `now - 65 min` to `now + 15 min` (the future part keeps an
 * instant query at the run's "now" inside the 5-minute lookback however slow the run), valued by
 * `at(secondsBeforeNow)` — positive in the past, negative in the future.
 */
export function timeline(now: number, every: number, at: (ago: number) => number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = now - 3900; t <= now + 900; t += every) out.push([t, at(now - t)]);
  return out;
}
