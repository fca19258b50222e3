import { describe, expect, it } from "vitest";
import type { DemoSummary, TranscriptEvent } from "../../../src/demo/index.js";
import { runCli } from "../cli/run-cli.js";

interface DemoJson {
  engine: string;
  summary: DemoSummary;
  transcript: TranscriptEvent[];
}

/** Replies in the thread of the top-level message labelled `label`. */
function replies(transcript: TranscriptEvent[], label: string): TranscriptEvent[] {
  return transcript.filter((event) => event.kind === "reply" && event.label?.startsWith(`${label}.`));
}

describe("k8s-triage demo", () => {
  it("runs the whole flow offline and exits by itself: two clusters behind one app, slash commands, alert, refused and authorized approvals, validation, partial resolution", async () => {
    const run = await runCli(["demo", "--json"]);
    expect(run.stderr).not.toMatch(/"level":"error"/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as DemoJson;
    const { transcript, summary } = result;
    expect(result.engine).toMatch(/^deterministic engine/);

    // (a) /triage prod-api: a parent in #ops, then summary, RCA and two proposals with buttons,
    // investigated on #ops' default cluster eu-1.
    const parent = transcript.find((event) => event.kind === "message" && event.channel === "C0OPS");
    expect(parent?.text).toMatch(/prod-api/);
    const prodApi = replies(transcript, parent?.label ?? "?");
    // The RCA is the first reply; the triage summary is merged into it.
    expect(prodApi[0]?.text).toMatch(/^\[eu-1\] Root cause \(P1\) in prod-api: /);
    // At most four replies before anyone approved anything (the last act adds an execution's result).
    const firstClick = transcript.find(
      (event) => event.kind === "step" && /clicks \[Approve\]/.test(event.text),
    );
    expect(prodApi.filter((reply) => reply.atMs < (firstClick?.atMs ?? 0)).length).toBeLessThanOrEqual(4);
    const proposals = prodApi.filter((reply) => / Fix \d \(/.test(reply.text));
    expect(proposals).toHaveLength(2);
    expect(proposals.every((reply) => reply.buttons?.join(",") === "Approve,Deny")).toBe(true);
    expect(
      transcript.some(
        (event) =>
          event.kind === "edit" &&
          event.label === parent?.label &&
          event.text.startsWith("P1 [eu-1] prod-api: "),
      ),
    ).toBe(true);

    // (b) /triage prod-api --cluster us-1: the same namespace on the other cluster, its own thread,
    // investigated by us-1's agent.
    const usParent = transcript.filter((event) => event.kind === "message" && event.channel === "C0OPS")[1];
    expect(
      transcript.some(
        (event) => event.kind === "step" && event.text.includes("`/triage prod-api --cluster us-1`"),
      ),
    ).toBe(true);
    const usProdApi = replies(transcript, usParent?.label ?? "?");
    expect(usProdApi[0]?.text).toMatch(/^\[us-1\] Root cause \(P1\) in prod-api: /);
    expect(usProdApi.filter((reply) => / Fix \d \(/.test(reply.text))).toHaveLength(2);
    expect(usProdApi.every((reply) => reply.text.startsWith("[us-1] "))).toBe(true);
    expect(
      transcript.some(
        (event) =>
          event.kind === "edit" &&
          event.label === usParent?.label &&
          event.text.startsWith("P1 [us-1] prod-api: "),
      ),
    ).toBe(true);

    // (c) the Alertmanager alert (label cluster=eu-1) lands in the incident channel and is
    // investigated in its thread on eu-1.
    const alert = transcript.find((event) => event.kind === "message" && event.channel === "C0INCIDENTS");
    expect(alert?.text).toMatch(/FIRING: KubeDeploymentReplicasMismatch in a-team/);
    const aTeam = replies(transcript, alert?.label ?? "?");
    expect(
      aTeam.some((reply) => /create-pvc on PersistentVolumeClaim a-team\/postgres-pvc/.test(reply.text)),
    ).toBe(true);
    expect(aTeam.every((reply) => reply.text.startsWith("[eu-1] "))).toBe(true);

    // (d) a user outside the policy is refused; the approver's click executes and validates.
    const refusal = transcript.find((event) => event.kind === "ephemeral");
    expect(refusal?.user).toBe("U0MALLORY");
    expect(refusal?.text).toMatch(/not an approver/);
    expect(aTeam.some((reply) => /create-pvc .*resolved/.test(reply.text))).toBe(true);
    expect(
      transcript.some(
        (event) => event.kind === "edit" && /^P\d \[eu-1\] a-team: ✅ resolved/.test(event.text),
      ),
    ).toBe(true);

    // (e) Alice approves the analytics-service memory fix in eu-1's prod-api thread: sized from the
    // container's need (300Mi) rather than doubled, it heals the pod and validates as resolved.
    const memoryFix = proposals.find((reply) =>
      /set-resources on Deployment prod-api\/analytics-service/.test(reply.text),
    );
    expect(memoryFix).toBeDefined();
    expect(
      transcript.some(
        (event) =>
          event.kind === "edit" &&
          event.label === memoryFix?.label &&
          /set-resources on Deployment prod-api\/analytics-service — succeeded/.test(event.text),
      ),
    ).toBe(true);
    expect(
      prodApi.some(
        (reply) =>
          reply.text ===
          "[eu-1] Applied set-resources on Deployment prod-api/analytics-service — validation: resolved",
      ),
    ).toBe(true);
    // One validated fix of five root causes: the parent counts it and never claims prod-api resolved.
    const parentEdits = transcript.filter((event) => event.kind === "edit" && event.label === parent?.label);
    expect(
      parentEdits.some((event) =>
        /^P1 \[eu-1\] prod-api: 1 of 5 root causes fixed \(set-resources on Deployment analytics-service validated\) · still open: Deployment /.test(
          event.text,
        ),
      ),
    ).toBe(true);
    expect(parentEdits.some((event) => /resolved —|✅/.test(event.text))).toBe(false);
    // The us-1 prod-api thread was not touched by eu-1's fix.
    expect(usProdApi.some((reply) => /Applied /.test(reply.text))).toBe(false);

    expect(summary.finalStatus).toEqual({
      "eu-1/prod-api": "proposed",
      "us-1/prod-api": "proposed",
      "eu-1/a-team": "resolved",
    });
    expect(new Set(summary.phases.map((phase) => phase.phase))).toEqual(
      new Set(["detect", "analyze", "remediate", "validate"]),
    );
    expect(summary.phases.filter((phase) => phase.phase === "validate").map((phase) => phase.detail)).toEqual(
      [
        expect.stringMatching(
          /^resolved on eu-1's simulated clock .* → status proposed \(1 of 5 root causes fixed: set-resources on Deployment analytics-service validated; still open: payment-service \(image-pull\), /,
        ),
        expect.stringMatching(/^resolved on eu-1's simulated clock .* → status resolved$/),
      ],
    );
    // Analysis read as each cluster's `reader` and never wrote; only eu-1's executor wrote, per
    // approved fix one dry run and one write (the PVC's create, the Deployment's patch): the
    // approvals for eu-1 touched nothing on us-1.
    expect(summary.requests["eu-1/reader"]).toMatchObject({ dryRuns: 0, writes: 0 });
    expect(summary.requests["eu-1/executor"]).toMatchObject({ dryRuns: 2, writes: 2 });
    expect(summary.requests["us-1/reader"]?.reads).toBeGreaterThan(0);
    expect(summary.requests["us-1/reader"]).toMatchObject({ dryRuns: 0, writes: 0 });
    expect(summary.requests["us-1/executor"]).toEqual({ reads: 0, dryRuns: 0, writes: 0 });
    // Well under a minute, for the whole walkthrough.
    expect(summary.totalMs).toBeLessThan(30_000);
  }, 120_000);

  it("--quiet prints the summary only", async () => {
    const run = await runCli(["demo", "--quiet"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^k8s-triage demo — analysis engine: deterministic engine/);
    expect(run.stdout).toContain("=== Summary ===");
    expect(run.stdout).toMatch(/validate\s+a-team\s+[\d.]+ s\s+resolved/);
    expect(run.stdout).toMatch(/^ {2}us-1\/executor +0 reads, 0 dry-run writes, 0 writes$/m);
    expect(run.stdout).not.toContain("▶");
    expect(run.stdout).not.toContain("↳");
  }, 120_000);

  it("--help explains the flags; an unknown flag exits 2", async () => {
    const help = await runCli(["demo", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--quiet");
    expect(help.stdout).toContain("--json");
    const bad = await runCli(["demo", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--bogus");
  });
});
