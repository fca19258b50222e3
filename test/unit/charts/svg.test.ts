import { describe, expect, it } from "vitest";
import {
  buildChartSvg,
  legendLabels,
  SERIES_COLORS,
  selectSeries,
  THRESHOLD_COLOR,
} from "../../../src/charts/index.js";
import { splitAtGaps } from "../../../src/charts/series.js";
import { escapeXml } from "../../../src/charts/svg.js";
import { alertChart, emptyChart, memoryChart } from "../../support/chart-fixtures.js";

describe("series selection", () => {
  it("keeps the highest-peaking series up to the limit and counts the rest", () => {
    const chart = alertChart();
    const { drawn, omitted } = selectSeries(chart.series, 5);
    expect(drawn).toHaveLength(5);
    expect(omitted).toBe(2);
    // The two spiking pods are the alert's subject: they are always drawn.
    expect(drawn.map((one) => one.label)).toContain("pod=checkout-5c8d-0");
    expect(drawn.map((one) => one.label)).toContain("pod=checkout-5c8d-1");
    expect(drawn.map((one) => one.color)).toEqual(SERIES_COLORS.slice(0, 5));
  });

  it("drops NaN and infinite samples and series left without any", () => {
    const { drawn, omitted } = selectSeries(
      [
        { labels: { pod: "a" }, points: [[1, Number.NaN]] },
        {
          labels: { pod: "b" },
          points: [
            [2, 5],
            [1, Number.POSITIVE_INFINITY],
          ],
        },
      ],
      5,
    );
    expect(drawn).toHaveLength(1);
    expect(drawn[0]?.points).toEqual([[2, 5]]);
    expect(omitted).toBe(0);
  });

  it("labels series by the labels that differ, without job/instance noise", () => {
    expect(
      legendLabels([
        { labels: { job: "x", namespace: "shop", pod: "a" }, points: [] },
        { labels: { job: "x", namespace: "shop", pod: "b" }, points: [] },
      ]),
    ).toEqual(["pod=a", "pod=b"]);
    expect(legendLabels([{ labels: { __name__: "up" }, points: [] }])).toEqual(["up"]);
  });

  it("breaks a line where samples are missing", () => {
    const runs = splitAtGaps([
      [0, 1],
      [15, 1],
      [30, 1],
      [300, 1],
      [315, 1],
    ]);
    expect(runs.map((run) => run.length)).toEqual([3, 2]);
  });
});

describe("buildChartSvg", () => {
  it("has the title, unit ticks, UTC window, a dashed threshold with its label and one path per series", () => {
    const { svg, drawn, empty } = buildChartSvg(memoryChart());
    expect(empty).toBe(false);
    expect(drawn).toHaveLength(1);
    expect(svg).toContain("Memory working set — analytics-service / analytics");
    expect(svg).toContain(">0 MiB<");
    expect(svg).toContain(">100 MiB<");
    expect(svg).toContain("12:00–13:00 UTC");
    expect(svg).toContain(">12:30<");
    expect(svg).toMatch(new RegExp(`stroke="${THRESHOLD_COLOR}"[^>]*stroke-dasharray`));
    expect(svg).toContain(">limit 128 MiB<");
    expect(svg.match(/<path /g)).toHaveLength(1);
  });

  it("escapes labels and queries so cluster data cannot inject markup", () => {
    const chart = memoryChart();
    chart.query = 'up{pod="<script>"} & more';
    const { svg } = buildChartSvg(chart);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&#60;script&#62;");
    expect(escapeXml("pod\u0000-a\u001b")).toBe("pod-a");
  });

  it("notes series left out and says 'No data' for an empty chart", () => {
    expect(buildChartSvg(alertChart()).svg).toContain("+2 more series not shown");
    const { svg, empty } = buildChartSvg(emptyChart());
    expect(empty).toBe(true);
    expect(svg).toContain("No data in this window");
    expect(svg).not.toContain("<path ");
  });
});
