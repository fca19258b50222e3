import { createRequire } from "node:module";
import { renderAsync } from "@resvg/resvg-js";
import type { MetricChart } from "../domain/metrics.js";
import { errorMessage, TriageError } from "../errors.js";
import { buildChartSvg, type ChartLayoutOptions, DEFAULT_LAYOUT, FONT_FAMILY } from "./svg.js";

/**
 * A chart could not be drawn. `chart.invalid-options` for a size outside CHART_LIMITS (a caller's
 * mistake, permanent); `chart.font-missing` when the bundled font is not installed;
 * `chart.render-failed` when the rasterizer failed or the PNG came out over the byte budget. Either way the caller posts the investigation without the picture.
 */
export class ChartError extends TriageError {}

/** What one chart image may be: small beside Slack's 1 GB file limit, and quick to load on a phone. */
export const CHART_LIMITS = {
  minWidth: 320,
  maxWidth: 1600,
  minHeight: 160,
  maxHeight: 900,
  maxScale: 3,
  /** Bytes of one PNG; a chart is lines on white, so 2x renders come out far below this. */
  maxBytes: 1024 * 1024,
} as const;

/** Options of one render: the layout (CSS px) and the pixel density of the PNG. */
export interface RenderChartOptions extends ChartLayoutOptions {
  /** Device pixels per CSS pixel (default 2, sharp on retina screens; the PNG is width×scale wide). */
  scale?: number;
}

const require = createRequire(import.meta.url);
/**
 * Roboto (OFL) from an npm package, so text renders the same on a slim container image with no
 * system fonts; system fonts are not loaded at all, which keeps renders reproducible.
 */
const FONTS = [
  "@expo-google-fonts/roboto/400Regular/Roboto_400Regular.ttf",
  "@expo-google-fonts/roboto/600SemiBold/Roboto_600SemiBold.ttf",
];
let fontFiles: string[] | undefined;

/** Resolved on first use, so a broken install costs the pictures, not the bot's start. */
function resolveFonts(): string[] {
  if (fontFiles) return fontFiles;
  try {
    fontFiles = FONTS.map((file) => require.resolve(file));
    return fontFiles;
  } catch (error) {
    throw new ChartError(
      "chart.font-missing",
      `The chart font is not installed (${errorMessage(error)}); run npm ci so @expo-google-fonts/roboto is present.`,
      { cause: error },
    );
  }
}

function checkOptions(width: number, height: number, scale: number): void {
  const ok =
    Number.isFinite(width) &&
    Number.isFinite(height) &&
    Number.isFinite(scale) &&
    width >= CHART_LIMITS.minWidth &&
    width <= CHART_LIMITS.maxWidth &&
    height >= CHART_LIMITS.minHeight &&
    height <= CHART_LIMITS.maxHeight &&
    scale > 0 &&
    scale <= CHART_LIMITS.maxScale;
  if (!ok) {
    throw new ChartError(
      "chart.invalid-options",
      `Chart size ${width}×${height} @${scale}x is outside ${CHART_LIMITS.minWidth}–${CHART_LIMITS.maxWidth} × ${CHART_LIMITS.minHeight}–${CHART_LIMITS.maxHeight} @ up to ${CHART_LIMITS.maxScale}x; pass a size inside those bounds.`,
    );
  }
}

/**
 * Renders a chart to PNG bytes: the SVG from buildChartSvg rasterized by resvg (Rust, prebuilt
 * per platform in npm) off the event loop. An empty chart renders a "No data" image rather than
 * failing, since "the alert's expression returns nothing now" is itself worth showing.
 */
export async function renderChartPng(chart: MetricChart, options: RenderChartOptions = {}): Promise<Buffer> {
  const width = options.width ?? DEFAULT_LAYOUT.width;
  const height = options.height ?? DEFAULT_LAYOUT.height;
  const scale = options.scale ?? 2;
  checkOptions(width, height, scale);
  const fonts = resolveFonts();
  const { svg } = buildChartSvg(chart, { ...options, width, height });
  let png: Buffer;
  try {
    const image = await renderAsync(svg, {
      fitTo: { mode: "width", value: Math.round(width * scale) },
      font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: FONT_FAMILY },
      background: "#ffffff",
    });
    png = Buffer.from(image.asPng());
  } catch (error) {
    throw new ChartError(
      "chart.render-failed",
      `Could not draw the chart "${chart.title}": ${errorMessage(error)}`,
      {
        cause: error,
        permanent: false,
      },
    );
  }
  if (png.length > CHART_LIMITS.maxBytes) {
    throw new ChartError(
      "chart.render-failed",
      `The chart "${chart.title}" came out at ${png.length} bytes, over the ${CHART_LIMITS.maxBytes}-byte budget; render it smaller.`,
    );
  }
  return png;
}
