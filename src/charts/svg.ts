import type { MetricChart } from "../domain/metrics.js";
import { axisUnit, formatIn, formatValue, tickDecimals, timeTickLabel, windowLabel } from "./format.js";
import { linear, timeTicks, valueScale } from "./scale.js";
import { type DrawnSeries, selectSeries, splitAtGaps, THRESHOLD_COLOR } from "./series.js";

/** Layout choices of one chart image (CSS pixels; the PNG is `scale` times larger). */
export interface ChartLayoutOptions {
  width?: number;
  height?: number;
  /** Series drawn at most; the rest are counted in a note under the legend. */
  maxSeries?: number;
}

/** The SVG of a chart and what went into it. */
export interface ChartSvg {
  svg: string;
  width: number;
  height: number;
  drawn: DrawnSeries[];
  omitted: number;
  /** True when no series had a finite sample: the image says "No data". */
  empty: boolean;
}

/**
 * 720×320 CSS px: Slack previews an image at about half its width in a thread, so the fonts are
 * sized for that preview (13 px ticks read as about 7 px there, 18 px titles as about 9 px).
 */
export const DEFAULT_LAYOUT = { width: 720, height: 320, maxSeries: 5 } as const;

/** The family the renderer loads from the bundled font files (see render.ts). */
export const FONT_FAMILY = "Roboto";
const PAD = 16;
const TICK_FONT = 13;
const TITLE_FONT = 18;
/** Legend rows, baseline to baseline. */
const ROW = 18;
/** Average advance of a Roboto glyph per pixel of font size, for laying out text before drawing it. */
const CHAR_WIDTH = 0.55;

/**
 * Text for SVG: XML-escaped, so labels from the cluster cannot inject markup, and without the
 * control characters XML 1.0 forbids (one in a label would make the whole SVG unparsable).
 */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`)
  );
}

/** Estimated width of `text` at `size` px. */
export function textWidth(text: string, size: number): number {
  return text.length * size * CHAR_WIDTH;
}

function cut(text: string, maxWidth: number, size: number): string {
  const max = Math.max(4, Math.floor(maxWidth / (size * CHAR_WIDTH)));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function text(x: number, y: number, body: string, attrs: string): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeXml(body)}</text>`;
}

interface LegendItem {
  color?: string;
  label: string;
}

/** Legend items placed in rows under the plot; returns the rows' height and the SVG. */
function legend(
  items: LegendItem[],
  left: number,
  right: number,
  top: number,
): { svg: string; height: number } {
  const parts: string[] = [];
  let x = left;
  let y = top;
  for (const item of items) {
    const width = (item.color ? 22 : 0) + textWidth(item.label, TICK_FONT) + 16;
    if (x > left && x + width > right) {
      x = left;
      y += ROW;
    }
    if (item.color) {
      parts.push(
        `<line x1="${x}" y1="${y - 5}" x2="${x + 16}" y2="${y - 5}" stroke="${item.color}" stroke-width="3" stroke-linecap="round"/>`,
      );
    }
    const labelX = x + (item.color ? 22 : 0);
    parts.push(
      text(labelX, y, cut(item.label, right - labelX, TICK_FONT), `font-size="${TICK_FONT}" fill="#444"`),
    );
    x += width;
  }
  return { svg: parts.join(""), height: items.length > 0 ? y - top + ROW : 0 };
}

function path(points: Array<[number, number]>, x: (v: number) => number, y: (v: number) => number): string {
  return points
    .map(
      ([at, value], index) => `${index === 0 ? "M" : "L"}${x(at * 1000).toFixed(1)},${y(value).toFixed(1)}`,
    )
    .join("");
}

/**
 * Builds the chart as SVG: title, the query (or the window) under it, a value axis with
 * unit-formatted ticks, a UTC time axis, one line per drawn series, the threshold as a dashed red
 * line with its label, and a legend (with a note when series were left out). Pure: the same chart
 * always gives the same SVG.
 */
export function buildChartSvg(chart: MetricChart, options: ChartLayoutOptions = {}): ChartSvg {
  const width = options.width ?? DEFAULT_LAYOUT.width;
  const height = options.height ?? DEFAULT_LAYOUT.height;
  const { drawn, omitted } = selectSeries(chart.series, options.maxSeries ?? DEFAULT_LAYOUT.maxSeries);
  const empty = drawn.length === 0;
  const { startMs, endMs } = chart.window;
  const values = drawn.flatMap((one) => one.points.map(([, value]) => value));
  if (chart.threshold && Number.isFinite(chart.threshold.value)) values.push(chart.threshold.value);
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 0;
  const axis = axisUnit(chart.unit, Math.max(Math.abs(low), Math.abs(high)));
  const scale = valueScale(low, high, axis);
  const decimals = tickDecimals(scale.step, axis);
  const tickLabels = scale.ticks.map((tick) => formatIn(tick, axis, decimals));

  const items: LegendItem[] = drawn.map((one) => ({ color: one.color, label: one.label }));
  if (omitted > 0) items.push({ label: `+${omitted} more series not shown` });
  const plotLeft = PAD + Math.max(...tickLabels.map((label) => textWidth(label, TICK_FONT)), 20) + 8;
  const plotRight = width - PAD;
  // The legend is laid out first so the plot knows how much height is left.
  const probe = legend(items, plotLeft, plotRight, 0);
  const plotTop = 72;
  // Under the plot: the time labels, then the legend rows (their baselines 16 px apart).
  const plotBottom = height - PAD - (probe.height > 0 ? 22 + probe.height : 24);
  const placed = legend(items, plotLeft, plotRight, plotBottom + 40);
  const x = linear([startMs, endMs], [plotLeft, plotRight]);
  const y = linear([scale.min, scale.max], [plotBottom, plotTop]);

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    text(
      PAD,
      30,
      cut(chart.title, width - 2 * PAD, TITLE_FONT),
      `font-size="${TITLE_FONT}" font-weight="600" fill="#1d1c1d"`,
    ),
  );
  // The window, in UTC, top right; the query (or nothing) fills the rest of the line.
  const windowText = windowLabel(startMs, endMs);
  parts.push(text(width - PAD, 52, windowText, `font-size="${TICK_FONT}" fill="#616061" text-anchor="end"`));
  if (chart.query) {
    const room = width - 2 * PAD - textWidth(windowText, TICK_FONT) - 16;
    parts.push(text(PAD, 52, cut(chart.query, room, TICK_FONT), `font-size="${TICK_FONT}" fill="#616061"`));
  }

  // Value axis: grid lines and labels.
  // An empty chart has no values to read off: grid lines only.
  for (const [index, tick] of scale.ticks.entries()) {
    const at = y(tick);
    parts.push(
      `<line x1="${plotLeft}" y1="${at.toFixed(1)}" x2="${plotRight}" y2="${at.toFixed(1)}" stroke="#e8e8e8" stroke-width="1"/>`,
    );
    if (!empty)
      parts.push(
        text(
          plotLeft - 6,
          at + 4,
          tickLabels[index] ?? "",
          `font-size="${TICK_FONT}" fill="#616061" text-anchor="end"`,
        ),
      );
  }
  // Time axis: ticks and HH:MM labels; labels at the very edges are aligned inwards to stay whole.
  parts.push(
    `<line x1="${plotLeft}" y1="${plotBottom}" x2="${plotRight}" y2="${plotBottom}" stroke="#9a9a9a" stroke-width="1"/>`,
  );
  let previous: number | undefined;
  for (const tick of timeTicks(startMs, endMs)) {
    const at = x(tick);
    const label = timeTickLabel(tick, endMs - startMs, previous);
    previous = tick;
    const half = textWidth(label, TICK_FONT) / 2;
    const anchor = at - half < plotLeft - 8 ? "start" : at + half > width - 4 ? "end" : "middle";
    const labelX =
      anchor === "start" ? Math.max(at - 2, PAD) : anchor === "end" ? Math.min(at + 2, width - 4) : at;
    parts.push(
      `<line x1="${at.toFixed(1)}" y1="${plotBottom}" x2="${at.toFixed(1)}" y2="${plotBottom + 4}" stroke="#9a9a9a" stroke-width="1"/>`,
    );
    parts.push(
      text(labelX, plotBottom + 19, label, `font-size="${TICK_FONT}" fill="#616061" text-anchor="${anchor}"`),
    );
  }

  parts.push(
    `<clipPath id="plot"><rect x="${plotLeft}" y="${plotTop - 2}" width="${plotRight - plotLeft}" height="${plotBottom - plotTop + 4}"/></clipPath>`,
  );
  const lines: string[] = [];
  for (const one of drawn) {
    for (const run of splitAtGaps(one.points)) {
      const [only] = run;
      if (run.length === 1 && only) {
        lines.push(
          `<circle cx="${x(only[0] * 1000).toFixed(1)}" cy="${y(only[1]).toFixed(1)}" r="3" fill="${one.color}"/>`,
        );
      } else if (run.length > 1) {
        lines.push(
          `<path d="${path(run, x, y)}" fill="none" stroke="${one.color}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`,
        );
      }
    }
  }
  parts.push(`<g clip-path="url(#plot)">${lines.join("")}</g>`);

  if (chart.threshold && Number.isFinite(chart.threshold.value)) {
    const at = y(chart.threshold.value);
    parts.push(
      `<line x1="${plotLeft}" y1="${at.toFixed(1)}" x2="${plotRight}" y2="${at.toFixed(1)}" stroke="${THRESHOLD_COLOR}" stroke-width="2" stroke-dasharray="7 5"/>`,
    );
    const label = `${chart.threshold.label} ${formatValue(chart.threshold.value, chart.unit)}`;
    // Above the line unless that would leave the plot; a white halo keeps it readable over lines.
    const labelY = at - 7 < plotTop + 12 ? at + 18 : at - 7;
    parts.push(
      text(
        plotRight - 4,
        labelY,
        cut(label, (plotRight - plotLeft) / 2, TICK_FONT),
        `font-size="${TICK_FONT}" font-weight="600" fill="${THRESHOLD_COLOR}" text-anchor="end" stroke="#ffffff" stroke-width="3" paint-order="stroke"`,
      ),
    );
  }
  if (empty) {
    const middle = (plotLeft + plotRight) / 2;
    parts.push(
      text(
        middle,
        (plotTop + plotBottom) / 2,
        "No data in this window",
        `font-size="${TITLE_FONT}" font-weight="600" fill="#616061" text-anchor="middle" stroke="#ffffff" stroke-width="4" paint-order="stroke"`,
      ),
    );
    parts.push(
      text(
        middle,
        (plotTop + plotBottom) / 2 + 24,
        chart.query ? "The query returned no samples." : "No samples were collected.",
        `font-size="${TICK_FONT}" fill="#616061" text-anchor="middle" stroke="#ffffff" stroke-width="4" paint-order="stroke"`,
      ),
    );
  }
  parts.push(placed.svg);

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}"><title>${escapeXml(chart.altText)}</title>${parts.join("")}</svg>`;
  return { svg, width, height, drawn, omitted, empty };
}
