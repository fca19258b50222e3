import { describe, expect, it } from "vitest";
import { combinedScenarioState } from "../../../src/demo/cluster.js";
import { buttonLabels, Transcript } from "../../../src/demo/transcript.js";
import type { FakeSlack, FakeSlackCall } from "../../../src/dev/fake-slack.js";

/** Feeds calls to a transcript the way FakeSlack.onCall would. */
function follow(transcript: Transcript): (call: Partial<FakeSlackCall> & { method: string }) => void {
  let listener: ((call: FakeSlackCall) => void) | undefined;
  transcript.attach({
    onCall: (fn: (call: FakeSlackCall) => void) => {
      listener = fn;
      return () => {};
    },
  } as unknown as FakeSlack);
  return (call) => listener?.({ params: {}, status: 200, response: { ok: true }, ...call });
}

const approveDeny = [
  {
    type: "actions",
    elements: [
      {
        type: "button",
        action_id: "proposal.approve",
        text: { type: "plain_text", text: "Approve" },
        value: "t",
      },
      { type: "button", action_id: "proposal.deny", text: { type: "plain_text", text: "Deny" }, value: "t" },
    ],
  },
];

describe("demo transcript", () => {
  it("labels messages and thread replies, shows buttons, and tells edits from refreshes", () => {
    const lines: string[] = [];
    const transcript = new Transcript((line) => lines.push(line));
    const send = follow(transcript);
    send({
      method: "chat.postMessage",
      params: { channel: "C1", text: "Investigating" },
      response: { ok: true, ts: "1.0" },
    });
    send({
      method: "chat.postMessage",
      params: { channel: "C1", thread_ts: "1.0", text: "Proposed fix", blocks: approveDeny },
      response: { ok: true, ts: "2.0" },
    });
    send({ method: "chat.update", params: { channel: "C1", ts: "1.0", text: "🔴 done" } });
    send({ method: "chat.update", params: { channel: "C1", ts: "1.0", text: "🔴 done" } });
    send({ method: "reactions.add", params: { channel: "C1", timestamp: "2.0", name: "eyes" } });
    send({ method: "auth.test" });
    send({
      method: "chat.postMessage",
      params: { channel: "C1" },
      response: { ok: false, error: "no_text" },
    });

    expect(transcript.events.map((event) => [event.kind, event.label ?? ""])).toEqual([
      ["message", "#1"],
      ["reply", "#1.1"],
      ["edit", "#1"],
      ["edit", "#1"],
      ["reaction", "#1.1"],
      ["error", ""],
    ]);
    expect(transcript.events[1]?.buttons).toEqual(["Approve", "Deny"]);
    const text = lines.map((line) => line.replace(/^\[\s*[\d.]+s\]|^\s+/, "").trim());
    expect(text).toContain("C1 #1 Investigating");
    expect(text).toContain("↳ #1.1 Proposed fix");
    expect(text).toContain("[Approve] [Deny]");
    expect(text).toContain("✎ #1 edited → 🔴 done");
    expect(text).toContain("✎ #1 edited (same text, blocks refreshed)");
    expect(text).toContain("+ :eyes: on #1.1");
    expect(text).toContain("✗ Slack answered chat.postMessage: no_text");
  });

  it("records without printing when it has no writer (--quiet, --json)", () => {
    const transcript = new Transcript(undefined);
    transcript.step("hello");
    expect(transcript.events).toMatchObject([{ kind: "step", text: "hello" }]);
  });

  it("finds button labels anywhere in the blocks", () => {
    expect(
      buttonLabels([{ type: "section", accessory: { type: "button", text: { text: "Open" } } }]),
    ).toEqual(["Open"]);
    expect(buttonLabels(undefined)).toEqual([]);
  });
});

describe("combined scenario state", () => {
  it("holds both incidents once, with shared cluster objects kept once", () => {
    const state = combinedScenarioState(["prod-api-outage", "a-team-missing-pvc"]);
    const namespaces = state.objects
      .filter((object) => object.kind === "Namespace")
      .map((o) => o.metadata.name);
    expect(namespaces).toContain("prod-api");
    expect(namespaces).toContain("a-team");
    expect(namespaces.filter((name) => name === "kube-system")).toHaveLength(1);
    const keys = state.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(state.clock).toBe("2026-01-15T14:30:00Z");
    const storageClasses = state.objects.filter((object) => object.kind === "StorageClass");
    expect(storageClasses.map((object) => object.metadata.name)).toEqual(["standard"]);
  });
});
