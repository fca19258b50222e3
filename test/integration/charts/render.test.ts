import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  CHART_LIMITS,
  ChartError,
  renderChartPng,
  SERIES_COLORS,
  THRESHOLD_COLOR,
} from "../../../src/charts/index.js";
import type { MetricChart } from "../../../src/domain/metrics.js";
import { alertChart, cpuChart, emptyChart, memoryChart } from "../../support/chart-fixtures.js";

const OUT = join(process.cwd(), ".artifacts", "charts");

/** Decodes with pngjs (a full decoder: CRCs, zlib, filters), so a broken PNG fails here. */
function decode(bytes: Buffer): PNG {
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return PNG.sync.read(bytes);
}

function hex(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Pixels within a small distance of `color` (anti-aliasing blends edges, line centres stay exact). */
function countColor(png: PNG, color: string, tolerance = 24): number {
  const [r, g, b] = hex(color);
  let count = 0;
  for (let at = 0; at < png.data.length; at += 4) {
    const dr = (png.data[at] ?? 0) - r;
    const dg = (png.data[at + 1] ?? 0) - g;
    const db = (png.data[at + 2] ?? 0) - b;
    if (Math.abs(dr) + Math.abs(dg) + Math.abs(db) <= tolerance) count += 1;
  }
  return count;
}

/** Dark pixels (text) in a horizontal band of rows, as a share of the band. */
function darkInRows(png: PNG, top: number, bottom: number): number {
  let dark = 0;
  for (let row = top; row < bottom; row += 1) {
    for (let col = 0; col < png.width; col += 1) {
      const at = (row * png.width + col) * 4;
      if ((png.data[at] ?? 255) < 120 && (png.data[at + 1] ?? 255) < 120 && (png.data[at + 2] ?? 255) < 120)
        dark += 1;
    }
  }
  return dark;
}

async function render(name: string, chart: MetricChart, scale = 2): Promise<{ bytes: Buffer; png: PNG }> {
  const bytes = await renderChartPng(chart, { scale });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.png`), bytes);
  return { bytes, png: decode(bytes) };
}

describe("renderChartPng", () => {
  it("draws memory against its limit: a 1440×640 PNG with the series line, the red dashed limit and text", async () => {
    const { bytes, png } = await render("memory-vs-limit", memoryChart());
    expect(png.width).toBe(1440);
    expect(png.height).toBe(640);
    expect(bytes.length).toBeGreaterThan(5_000);
    expect(bytes.length).toBeLessThan(CHART_LIMITS.maxBytes);
    expect(countColor(png, SERIES_COLORS[0])).toBeGreaterThan(2_000);
    // A dashed 2 px line over most of the plot's width at 2x: well over a thousand red pixels.
    expect(countColor(png, THRESHOLD_COLOR)).toBeGreaterThan(1_500);
    // The title is real glyphs: dark pixels in its band (a missing font draws nothing).
    expect(darkInRows(png, 24, 70)).toBeGreaterThan(800);
  });

  it("draws a multi-series alert expression with a legend of the five highest and a note for the rest", async () => {
    const { png } = await render("alert-multi-series", alertChart());
    for (const color of SERIES_COLORS.slice(0, 5)) expect(countColor(png, color)).toBeGreaterThan(300);
    // Only five of seven series are drawn: the sixth palette colour never appears.
    expect(countColor(png, SERIES_COLORS[5] ?? "", 6)).toBe(0);
    expect(countColor(png, THRESHOLD_COLOR)).toBeGreaterThan(1_500);
  });

  it("renders a 'No data' image for a chart without samples", async () => {
    const { png } = await render("no-data", emptyChart());
    expect(png.width).toBe(1440);
    expect(countColor(png, SERIES_COLORS[0])).toBe(0);
    // The message sits in the middle of the plot.
    expect(darkInRows(png, 270, 380)).toBeGreaterThan(300);
  });

  it("renders at 1x too, and refuses sizes outside the limits with a coded error", async () => {
    const { png } = await render("memory-1x", memoryChart(), 1);
    expect([png.width, png.height]).toEqual([720, 320]);
    await expect(renderChartPng(memoryChart(), { width: 5000 })).rejects.toMatchObject({
      code: "chart.invalid-options",
    });
    await expect(renderChartPng(memoryChart(), { scale: 10 })).rejects.toBeInstanceOf(ChartError);
  });

  it("draws labels from the cluster with markup and control characters in them", async () => {
    const chart = memoryChart();
    chart.title = 'pod <x> & "y"\u0007';
    const first = chart.series[0];
    if (first) first.labels = { pod: "a\u0000<b>" };
    const { png } = await render("hostile-labels", chart);
    expect(countColor(png, SERIES_COLORS[0])).toBeGreaterThan(2_000);
  });

  it("draws millicores, breaks the line at a scrape gap and dots a lone sample", async () => {
    const { png } = await render("cpu-gap", cpuChart());
    expect(countColor(png, SERIES_COLORS[0])).toBeGreaterThan(1_000);
    expect(countColor(png, THRESHOLD_COLOR)).toBeGreaterThan(1_000);
  });

  it("stays small and quick for the worst a query may return: 50 noisy series of 1,441 samples", async () => {
    let seed = 7;
    const noise = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const start = Date.UTC(2026, 11, 4, 0, 0) / 1000;
    const chart: MetricChart = {
      title: "container_cpu_usage_seconds_total — 50 pods over a day",
      unit: "cores",
      series: Array.from({ length: 50 }, (_, index) => ({
        labels: { pod: `worker-${index}` },
        points: Array.from(
          { length: 1441 },
          (_, minute) => [start + minute * 60, noise() * (1 + index / 10)] as [number, number],
        ),
      })),
      threshold: { label: "limit", value: 5 },
      window: { startMs: start * 1000, endMs: (start + 86_400) * 1000 },
      altText: "CPU of 50 worker pods over a day.",
    };
    const began = performance.now();
    const { bytes, png } = await render("stress-50x1441", chart);
    const ms = performance.now() - began;
    expect(png.width).toBe(1440);
    expect(bytes.length).toBeLessThan(CHART_LIMITS.maxBytes);
    expect(ms).toBeLessThan(5_000);
    process.stderr.write(`[charts] stress render: ${bytes.length} bytes in ${ms.toFixed(0)} ms\n`);
  });
});
