import { CoreV1Api, PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { simFixture } from "../../support/sim.js";

/** Collects watch events until `until` says stop or the watch ends. */
async function collectWatch(
  sim: SimCluster,
  path: string,
  query: Record<string, string | number | boolean>,
  until: (events: { type: string; object: Record<string, unknown> }[]) => boolean,
  afterStart?: () => Promise<void>,
): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const watch = new Watch(sim.kubeConfig("admin"));
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      controller?.abort();
      resolve(events);
    };
    watch
      .watch(
        path,
        query,
        (type, object) => {
          events.push({ type, object });
          if (until(events)) finish();
        },
        (error) => {
          if (error && !finished && (error as Error).name !== "AbortError") reject(error);
          else finish();
        },
      )
      .then((started) => {
        controller = started;
        if (finished) started.abort();
        afterStart?.().catch((error: unknown) => {
          finished = true;
          started.abort();
          reject(error);
        });
      }, reject);
  });
}

describe("client-node Watch against the simulated API server", () => {
  let sim: SimCluster;

  beforeAll(async () => {
    sim = await startSimCluster({ state: simFixture("shop.yaml"), reconciler: null, historyLimit: 5 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("watches from a resourceVersion, and answers 410 Expired for one older than the history", async () => {
    const core = sim.kubeConfig("admin").makeApiClient(CoreV1Api);
    const start = (await core.listNamespacedConfigMap({ namespace: "shop" })).metadata?.resourceVersion ?? "";
    const events = await collectWatch(
      sim,
      "/api/v1/namespaces/shop/configmaps",
      { resourceVersion: start, allowWatchBookmarks: true },
      (seen) => seen.some((event) => event.type === "DELETED"),
      async () => {
        await core.createNamespacedConfigMap({
          namespace: "shop",
          body: { metadata: { name: "settings" }, data: { mode: "a" } },
        });
        await core.patchNamespacedConfigMap(
          { name: "settings", namespace: "shop", body: { data: { mode: "b" } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        );
        await core.deleteNamespacedConfigMap({ name: "settings", namespace: "shop" });
      },
    );
    const changes = events.filter((event) => event.type !== "BOOKMARK");
    expect(changes.map((event) => event.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect(changes[1]?.object.data).toEqual({ mode: "b" });
    const versions = changes.map((event) =>
      Number((event.object.metadata as { resourceVersion: string }).resourceVersion),
    );
    expect(versions).toEqual([...versions].sort((left, right) => left - right));
    expect(events.some((event) => event.type === "BOOKMARK")).toBe(true);

    // historyLimit is 5: make more changes, then resume from the start.
    for (let index = 0; index < 6; index++) {
      await core.createNamespacedConfigMap({
        namespace: "shop",
        body: { metadata: { name: `filler-${index}` } },
      });
    }
    const expired = await collectWatch(
      sim,
      "/api/v1/namespaces/shop/configmaps",
      { resourceVersion: start },
      () => false,
    );
    expect(expired).toHaveLength(1);
    expect(expired[0]?.type).toBe("ERROR");
    expect(expired[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });
});
