import { describe, expect, it } from "vitest";
import { chartFailureMessage, chartFileName, filesComment } from "../../../src/slack/files-reply.js";
import { memoryChart } from "../../support/chart-fixtures.js";

describe("files reply text", () => {
  it("names chart files after their title, safe for any file system", () => {
    expect(chartFileName(memoryChart(), 0, "inv-1")).toBe(
      "chart-1-memory-working-set-analytics-service-analytics-inv-1.png",
    );
    expect(chartFileName({ ...memoryChart(), title: "../../☃" }, 1, "inv-1")).toBe(
      "chart-2-metrics-inv-1.png",
    );
  });

  it("escapes cluster text in the comment and the failure note so it cannot ping the channel", () => {
    const comment = filesComment(true, {
      files: [],
      titles: ["memory <!channel>"],
      notes: ['The chart "<@U123>" could not be drawn'],
    });
    expect(comment).toContain("📈 memory &lt;!channel&gt;");
    expect(comment).toContain('⚠️ The chart "&lt;@U123&gt;" could not be drawn');
    expect(comment).toContain("Every affected object");
    const note = chartFailureMessage(["<!here> broke"], "prod-eu-1");
    expect(note.text).toBe("⚠️ Charts not posted (prod-eu-1): &lt;!here&gt; broke");
    expect(JSON.stringify(note.blocks)).not.toContain("<!here>");
  });
});
