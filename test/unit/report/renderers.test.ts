import { describe, expect, it } from "vitest";
import {
  escapeMarkdown,
  renderJson,
  renderMarkdown,
  renderReport,
  renderText,
  shouldColor,
} from "../../../src/report/index.js";
import { sampleResult } from "./result-fixture.js";

const ESC = String.fromCharCode(27);

describe("renderText", () => {
  it("has no ANSI escapes without colour and names every root cause, proposal and gap", () => {
    const text = renderText(sampleResult(), { color: false });
    expect(text).not.toContain(ESC);
    expect(text).toContain("Triage of namespace a-team");
    expect(text).toContain("P2 · blast radius single-workload · control plane healthy");
    expect(text).toContain("1. [missing-pvc] StatefulSet a-team/postgres-db  confidence 95%");
    expect(text).toContain(" 2. [crash-loop] Deployment a-team/api");
    expect(text).toContain("follows from: missing-pvc:StatefulSet/a-team/postgres-db");
    expect(text).toContain('persistentvolumeclaim "postgres-pvc" not found');
    expect(text).toContain("$ kubectl -n a-team get pvc");
    expect(text).toContain("[low risk] create-pvc PersistentVolumeClaim a-team/postgres-pvc");
    expect(text).toContain("no permission to list networkpolicies in a-team");
    expect(text).toContain("Looked at 3 pods, 7 events, 27 API requests, 42 ms.");
  });

  it("colours only when asked", () => {
    expect(renderText(sampleResult(), { color: true })).toContain(`${ESC}[33mP2`);
  });

  it("says so when there is nothing wrong", () => {
    const result = { ...sampleResult(), rootCauses: [], remediations: [], symptoms: [] };
    expect(renderText(result)).toContain("No root causes found.");
  });
});

describe("shouldColor", () => {
  it("needs a TTY and no NO_COLOR", () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(sampleResult(), { evidenceDir: "/tmp/ev", source: "file prod.yaml" });

  it("has the incident report sections in order", () => {
    const headings = md.split("\n").filter((line) => line.startsWith("## "));
    expect(headings).toEqual([
      "## Executive summary",
      "## Root causes",
      "## Proposed remediations",
      "## Next steps",
      "## Symptoms",
      "## Checked and healthy",
      "## Evidence",
    ]);
  });

  it("summarises control plane, blast radius, severity and headline", () => {
    expect(md).toContain("- **Severity:** P2");
    expect(md).toContain("- **Control plane:** healthy");
    expect(md).toContain("- **Blast radius:** single-workload");
    expect(md).toContain("postgres-db cannot start");
  });

  it("quotes evidence escaped so cluster text cannot inject structure", () => {
    expect(md).toContain(
      '> 0/3 nodes are available: persistentvolumeclaim "postgres-pvc" not found. \\*bold\\* \\<b\\>',
    );
    expect(md).toContain("> line one\n> \\# line two");
  });

  it("shows each proposal with risk, exact change and params", () => {
    expect(md).toContain("### `create-pvc:a-team/postgres-pvc`");
    expect(md).toContain("- **Risk:** low");
    expect(md).toContain(
      "- **Exact change:** `create PersistentVolumeClaim a-team/postgres-pvc storageClassName=standard size=10Gi`",
    );
    expect(md).toContain('"storageClassName": "standard"');
  });

  it("lists next steps with commands and the evidence location", () => {
    expect(md).toContain(
      "```sh\nkubectl -n a-team get pvc\nkubectl -n a-team describe pod postgres-db-0\n```",
    );
    expect(md).toContain("- **Evidence files:** `/tmp/ev`");
    expect(md).toContain("--from-file /tmp/ev/snapshot.yaml");
    expect(md).toContain("- **Not readable:** no permission to list networkpolicies in a-team");
  });

  it("escapes markdown metacharacters", () => {
    expect(escapeMarkdown("a_b*c`d|e[f]")).toBe("a\\_b\\*c\\`d\\|e\\[f\\]");
  });
});

describe("renderJson", () => {
  it("is the TriageResult with DESIGN.md's minimum shape", () => {
    const parsed = JSON.parse(renderJson(sampleResult())) as Record<string, unknown>;
    expect(parsed).toEqual(sampleResult());
    expect(Object.keys(parsed)).toEqual(
      expect.arrayContaining([
        "namespace",
        "controlPlane",
        "blastRadius",
        "symptoms",
        "rootCauses",
        "remediations",
      ]),
    );
    const cause = (parsed.rootCauses as Record<string, unknown>[])[0];
    expect(Object.keys(cause ?? {})).toEqual(
      expect.arrayContaining(["category", "summary", "resource", "affected", "evidence", "confidence"]),
    );
    const proposal = (parsed.remediations as Record<string, unknown>[])[0];
    expect(Object.keys(proposal ?? {})).toEqual(
      expect.arrayContaining(["id", "action", "target", "risk", "summary", "params"]),
    );
  });

  it("is what renderReport gives for json", () => {
    expect(renderReport(sampleResult(), "json")).toBe(renderJson(sampleResult()));
  });
});
