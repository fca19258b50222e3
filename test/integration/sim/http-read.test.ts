import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { simCaller, simFixture } from "../../support/sim.js";

/** Reads over raw HTTP: discovery, health, authentication, media types, views. */
describe("simulated API server over raw HTTP: reads", () => {
  let sim: SimCluster;
  const failing = "[+]ping ok\n[-]etcd failed: reason withheld\n[+]log ok\nreadyz check failed\n";
  const call = simCaller(() => sim);

  beforeAll(async () => {
    const state = `${simFixture("shop.yaml")}\n---\napiVersion: triage.sim/v1alpha1\nkind: APIServerHealth\nreadyz: |\n${failing
      .trim()
      .split("\n")
      .map((line) => `  ${line}`)
      .join("\n")}\n`;
    sim = await startSimCluster({ state, reconciler: null });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("serves discovery in the plain forms even when aggregated discovery is asked for", async () => {
    const aggregated =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const core = await call("/api", { accept: aggregated });
    expect(core.type).toBe("application/json");
    expect(core.json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = await call("/apis", { accept: aggregated });
    const names = (groups.json.groups as { name: string }[]).map((group) => group.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "apps",
        "batch",
        "networking.k8s.io",
        "autoscaling",
        "policy",
        "events.k8s.io",
        "rbac.authorization.k8s.io",
      ]),
    );
    const apps = await call("/apis/apps/v1");
    const resources = apps.json.resources as {
      name: string;
      kind: string;
      group?: string;
      verbs: string[];
    }[];
    expect(resources.find((resource) => resource.name === "deployments/scale")).toMatchObject({
      kind: "Scale",
      group: "autoscaling",
    });
    const v1 = await call("/api/v1");
    expect((v1.json.resources as { name: string }[]).map((resource) => resource.name)).toEqual(
      expect.arrayContaining([
        "pods",
        "pods/log",
        "events",
        "secrets",
        "persistentvolumeclaims",
        "limitranges",
      ]),
    );
    expect((await call("/apis/nope/v1")).status).toBe(404);
    expect((await call("/openapi/v2")).status).toBe(404);
    expect((await call("/version", { token: null })).json.gitVersion).toMatch(/^v1\.32/);
  });

  it("answers readyz from the state's APIServerHealth, with 500 when a check fails", async () => {
    const verbose = await call("/readyz?verbose", { token: null });
    expect(verbose.status).toBe(500);
    expect(verbose.text).toBe(failing);
    expect((await call("/readyz", { token: null })).status).toBe(500);
    expect((await call("/readyz/etcd")).status).toBe(500);
    expect((await call("/readyz/ping")).text).toBe("ok");
    expect((await call("/livez", { token: null })).text).toBe("ok");
  });

  it("authenticates by bearer token: 401 without a known one", async () => {
    const anonymous = await call("/api/v1/pods", { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    expect((await call("/api/v1/pods", { token: "wrong" })).status).toBe(401);
  });

  it("lists Secrets as metadata only for PartialObjectMetadataList, and forbids them to the reader", async () => {
    const accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    const list = await call("/api/v1/namespaces/shop/secrets", { accept });
    expect(list.json.kind).toBe("PartialObjectMetadataList");
    const items = list.json.items as Record<string, unknown>[];
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(["apiVersion", "kind", "metadata"]);
    expect(items[0]).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "db-credentials" } });
    // The reader may list Secrets only as metadata; asking for the objects themselves is refused.
    const asMetadata = await call("/api/v1/namespaces/shop/secrets", { accept, token: sim.tokens.reader });
    expect(asMetadata.json.kind).toBe("PartialObjectMetadataList");
    const denied = await call("/api/v1/namespaces/shop/secrets", { token: sim.tokens.reader });
    expect(denied.status).toBe(403);
    expect(denied.json.message).toBe(
      'secrets is forbidden: User "reader" cannot list resource "secrets" in API group "" in the namespace "shop"',
    );
    const all = await call("/api/v1/secrets", { token: sim.tokens.reader });
    expect(all.json.message).toContain("at the cluster scope");
  });

  it("renders Tables for events and a generic Name/Age table for other kinds", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    const events = await call("/api/v1/namespaces/shop/events", { accept });
    expect(events.json.kind).toBe("Table");
    const rows = events.json.rows as { cells: string[] }[];
    expect(rows.map((row) => [row.cells[1], row.cells[2], row.cells[3]])).toEqual(
      expect.arrayContaining([["Warning", "BackOff", "pod/web-7d9c5b6f4-abcde"]]),
    );
    const namespaces = await call("/api/v1/namespaces", { accept });
    expect((namespaces.json.rows as { cells: string[] }[])[0]?.cells).toEqual(["shop", "Active", "9d"]);
    const limits = await call("/api/v1/namespaces/shop/limitranges", { accept });
    expect((limits.json.columnDefinitions as { name: string }[]).map((column) => column.name)).toEqual([
      "Name",
      "Age",
    ]);
  });

  it("serves events.k8s.io/v1 Events as a view of core Events", async () => {
    const list = await call("/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=reason%3DBackOff");
    const items = list.json.items as Record<string, unknown>[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      regarding: { kind: "Pod", name: "web-7d9c5b6f4-abcde" },
      note: expect.stringContaining("Back-off restarting"),
      deprecatedCount: 42,
      reportingController: "kubelet",
    });
    const write = await call("/apis/events.k8s.io/v1/namespaces/shop/events", {
      method: "POST",
      body: { metadata: { name: "x" } },
    });
    expect(write.status).toBe(405);
  });
});
