import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { SimClock } from "../../../src/sim/clock.js";
import { exportParsedState, loadState, startTime } from "../../../src/sim/load.js";
import { parseStateFile, serializeState } from "../../../src/sim/state-file.js";
import { SimStore } from "../../../src/sim/store.js";
import { simFixture } from "../../support/sim.js";

function parseError(text: string): InputError {
  try {
    parseStateFile(text, "cluster.yaml");
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("parseStateFile", () => {
  it("reads objects, Lists, PodLogs, APIServerHealth and Clock", () => {
    const state = parseStateFile(simFixture("shop.yaml"), "shop.yaml");
    expect(state.clock).toBe("2026-03-10T12:00:00Z");
    expect(state.readyz).toContain("[+]etcd ok");
    expect(state.objects.map((object) => object.kind)).toEqual([
      "Namespace",
      "Node",
      "Deployment",
      "Pod",
      "Pod",
      "Pod",
      "Pod",
      "Secret",
      "Event",
      "Event",
    ]);
    expect(state.logs).toEqual([
      expect.objectContaining({
        namespace: "shop",
        pod: "web-7d9c5b6f4-abcde",
        container: "app",
        previous: true,
      }),
      expect.objectContaining({ container: "proxy", previous: false }),
    ]);
    expect(state.warnings).toEqual([]);
  });

  it("drops Secret data and stringData", () => {
    const state = parseStateFile(simFixture("shop.yaml"));
    const secret = state.objects.find((object) => object.kind === "Secret");
    expect(secret?.metadata.name).toBe("db-credentials");
    expect(secret?.data).toBeUndefined();
    expect(secret?.type).toBe("Opaque");
  });

  it("fills kind/apiVersion of typed-list items and warns about kinds the server does not serve", () => {
    const state = parseStateFile(
      "apiVersion: v1\nkind: PodList\nitems:\n  - metadata: {name: a, namespace: x}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
      "dump.yaml",
    );
    expect(state.objects[0]).toMatchObject({ apiVersion: "v1", kind: "Pod" });
    expect(state.objects[1]?.kind).toBe("Widget");
    expect(state.warnings).toEqual([
      expect.stringContaining("dump.yaml: document 2: example.com/v1 Widget w is not served"),
    ]);
  });

  it("names the document and the reason when input is malformed", () => {
    expect(parseError("kind: Pod\nmetadata: {name: a}\n---\nkey: [unclosed\n").message).toMatch(
      /^cluster\.yaml: document 2: not valid YAML/,
    );
    expect(
      parseError(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n---\napiVersion: v1\nmetadata: {name: x}\n",
      ).message,
    ).toBe("cluster.yaml: document 2: missing kind");
    expect(parseError("apiVersion: v1\nkind: Pod\nmetadata: {namespace: x}\n").message).toBe(
      "cluster.yaml: document 1: Pod is missing metadata.name",
    );
    expect(parseError("- just\n- a list\n").message).toBe(
      "cluster.yaml: document 1: expected a mapping (a Kubernetes object), got a sequence",
    );
    expect(
      parseError(
        "apiVersion: v1\nkind: List\nitems:\n  - {kind: Pod, metadata: {name: a}}\n  - {metadata: {name: b}}\n",
      ).message,
    ).toBe("cluster.yaml: document 1, item 2: missing kind");
    expect(
      parseError("apiVersion: triage.sim/v1alpha1\nkind: PodLog\nmetadata: {name: p}\n").message,
    ).toContain("PodLog p needs text");
    expect(parseError("apiVersion: triage.sim/v1alpha1\nkind: Clock\nnow: yesterday\n").message).toContain(
      "Clock needs now",
    );
    expect(parseError("x: 1").code).toBe("STATE_FILE_INVALID");
  });

  it("serializes to a stream that parses back to the same state, in YAML or JSON style", () => {
    const state = parseStateFile(simFixture("shop.yaml"));
    const again = parseStateFile(serializeState(state));
    expect(again).toEqual(state);
    const json = serializeState(state, { style: "json" });
    expect(json.split("\n---\n")[0]?.startsWith("{")).toBe(true);
    expect(parseStateFile(json)).toEqual(state);
  });

  it("reports JSON-style documents by index too", () => {
    const text =
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n---\n{"apiVersion":"v1","kind":"Pod","metadata":{}}\n';
    expect(parseError(text).message).toBe("cluster.yaml: document 2: Pod is missing metadata.name");
  });
});

describe("store export", () => {
  it("round-trips a loaded store through exportState and parse without loss", () => {
    const load = (text: string) => {
      const state = parseStateFile(text);
      const clock = new SimClock(startTime(state));
      const store = new SimStore({ now: () => clock.now(), nowMs: () => clock.nowMs() });
      loadState(store, state);
      return { store, clock, state };
    };
    const first = load(simFixture("shop.yaml"));
    first.store.recordEvent(
      first.store.get("Pod", "shop", "migrate-db")!,
      "Warning",
      "BackOff",
      "Back-off",
      "kubelet",
    );
    first.store.setLog("shop", "migrate-db", "wait-db", true, "waiting for db\n");
    const exported = serializeState(
      exportParsedState(first.store, { readyz: first.state.readyz, clock: first.clock.now() }),
    );
    const second = load(exported);
    const reexported = serializeState(
      exportParsedState(second.store, { readyz: second.state.readyz, clock: second.clock.now() }),
    );
    expect(reexported).toBe(exported);
    expect(second.store.get("Pod", "shop", "web-7d9c5b6f4-abcde")).toEqual(
      first.store.get("Pod", "shop", "web-7d9c5b6f4-abcde"),
    );
    expect(second.store.logs.get("shop", "migrate-db", "wait-db", true, false)).toBe("waiting for db\n");
    expect(second.store.list("Event", "shop")).toHaveLength(3);
  });
});
