import { describe, expect, it } from "vitest";
import { fitTriage } from "../../../src/mcp/triage-tool.js";

const ref = (name: string) => ({ kind: "Pod", namespace: "big", name });

function body(causes: number, evidence: number) {
  return {
    investigationId: "mcp-1",
    uri: "triage://investigations/mcp-1",
    howToApply: "approve in Slack",
    namespace: "big",
    collectedAt: "2026-01-15T14:30:00Z",
    headline: `${causes} root causes in big`,
    severity: "P1" as const,
    controlPlane: { status: "healthy" as const },
    blastRadius: "single-namespace" as const,
    symptoms: [
      { class: "crashloop-pods", resources: Array.from({ length: 200 }, (_, i) => ref(`pod-${i}`)) },
    ],
    rootCauses: Array.from({ length: causes }, (_, c) => ({
      id: `crash-loop:Deployment/big/app-${c}`,
      category: "crash-loop" as const,
      summary: `app-${c} is crash-looping`,
      resource: { kind: "Deployment", namespace: "big", name: `app-${c}` },
      affected: Array.from({ length: 40 }, (_, i) => ref(`app-${c}-${i}`)),
      evidence: Array.from(
        { length: evidence },
        (_, i) => `log big/app-${c}-${i}: panic: something broke at line ${i}`,
      ),
      confidence: 0.8,
      nextSteps: ["read the log"],
    })),
    remediations: [],
    gaps: [],
    stats: { pods: 1600, events: 4000 },
  } as unknown as Parameters<typeof fitTriage>[0];
}

describe("fitTriage", () => {
  it("keeps a triage that fits whole", () => {
    const small = body(2, 3);
    expect(JSON.parse(fitTriage(small, 100_000))).toEqual(JSON.parse(JSON.stringify(small)));
  });

  it("compacts a big namespace into JSON that still parses, with counts and where the rest is", () => {
    const text = fitTriage(body(20, 50), 32_000);
    expect(text.length).toBeLessThanOrEqual(32_000);
    const parsed = JSON.parse(text);
    expect(parsed.rootCauses).toHaveLength(20);
    expect(parsed.rootCauses[0].evidence).toHaveLength(3);
    expect(parsed.rootCauses[0]).toMatchObject({ evidenceCount: 50, affectedCount: 40 });
    expect(parsed.symptoms).toEqual([{ class: "crashloop-pods", count: 200 }]);
    expect(parsed.compacted).toContain("triage://investigations/mcp-1");
  });
});
