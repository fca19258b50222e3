import { describe, expect, it } from "vitest";
import { cluster, deployment, isReady, podOf, reconcile } from "./fixtures.js";

describe("smoke", () => {
  it("runs a healthy deployment", () => {
    const view = cluster([deployment("web")]);
    const pod = podOf(view, "web");
    console.log(JSON.stringify(pod, null, 1));
    console.log(JSON.stringify(view.list("Deployment"), null, 1));
    console.log(
      view
        .events()
        .map((e) => `${e.involvedObject.name} ${e.reason} ${e.message} x${e.count}`)
        .join("\n"),
    );
    expect(isReady(pod)).toBe(true);
    const before = view.versions();
    reconcile(view);
    expect(view.versions()).toBe(before);
  });
});
