/**
 * Charts: a MetricChart (plain data from metrics-server or Prometheus) drawn as a small PNG for the
 * Slack thread. buildChartSvg is pure (layout, scales, unit-formatted ticks); renderChartPng
 * rasterizes it with resvg and a bundled font, no browser and no system libraries.
 */
export { axisUnit, formatIn, formatValue, utcClock } from "./format.js";
export { CHART_LIMITS, ChartError, type RenderChartOptions, renderChartPng } from "./render.js";
export { niceStep, timeTicks, valueScale } from "./scale.js";
export { legendLabels, SERIES_COLORS, selectSeries, THRESHOLD_COLOR } from "./series.js";
export { buildChartSvg, type ChartLayoutOptions, type ChartSvg, DEFAULT_LAYOUT } from "./svg.js";
