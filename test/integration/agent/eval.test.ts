import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../../../src/commands/eval.js";
import { naiveBaselineTokens, sentTokens } from "../../../src/eval/baseline.js";
import { evalIncident } from "../../../src/eval/run.js";

const STATE = fileURLToPath(new URL("./fixtures/prod-api-mini.yaml", import.meta.url));

describe("eval in replay mode", () => {
  it("replays an investigation from what the tools returned and matches the deterministic causes", async () => {
    let baseline = 0;
    const result = await evalIncident({
      name: "mini",
      stateFile: STATE,
      mode: "replay",
      config: { model: "claude-sonnet-5-5" },
      inspect: async ({ reader, triage, requests }) => {
        baseline = await naiveBaselineTokens(requests, triage, reader);
      },
    });
    expect(result.namespace).toBe("prod-api");
    expect(result.expected).toEqual(["image-pull"]);
    expect(result.report.source).toBe("model");
    expect(result.matched).toBe(true);
    // The replayed RCA quotes a line it read, cited by the id of the call that returned it.
    const evidence = result.report.rootCauses[0]?.evidence ?? [];
    expect(
      evidence.some((e) => e.source.startsWith("toolu_fake_") && e.quote.includes("payment-service")),
    ).toBe(true);
    expect(result.report.usage?.toolCalls).toBeGreaterThanOrEqual(3);
    expect(sentTokens(result.requests)).toBeLessThan(baseline);
  });

  it("the command exits 0 when every incident matches", async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      expect(await run(["--state", STATE])).toBe(0);
    } finally {
      console.log = original;
    }
    expect(lines.join("\n")).toMatch(/prod-api\s+yes\s+image-pull\s+image-pull/);
    expect(lines.at(-1)).toContain("1/1 matched (replay)");
  });
});
