import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { simFixture } from "../../support/sim.js";

/** Raw HTTP against the simulated API server, for what typed clients hide (media types, bodies, codes). */
describe("simulated API server over raw HTTP", () => {
  let sim: SimCluster;
  const failing = "[+]ping ok\n[-]etcd failed: reason withheld\n[+]log ok\nreadyz check failed\n";

  const call = async (
    path: string,
    init: {
      method?: string;
      token?: string | null;
      accept?: string;
      body?: unknown;
      contentType?: string;
    } = {},
  ) => {
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? sim.tokens.admin : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.accept) headers.accept = init.accept;
    if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
    const response = await fetch(`${sim.url}${path}`, {
      method: init.method ?? "GET",
      headers,
      ...(init.body !== undefined
        ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }
        : {}),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      text,
      json: json ?? {},
      type: response.headers.get("content-type") ?? "",
    };
  };

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
    const denied = await call("/api/v1/namespaces/shop/secrets", { accept, token: sim.tokens.reader });
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

  it("returns real Status errors: 422 with causes, 409 AlreadyExists and Conflict, 404 for a missing namespace", async () => {
    const bad = await call("/api/v1/namespaces/shop/pods", {
      method: "POST",
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "Bad_Name" },
        spec: { containers: [{ name: "app" }] },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ reason: "Invalid", details: { kind: "Pod", name: "Bad_Name" } });
    expect((bad.json.details as { causes: { field: string }[] }).causes.map((cause) => cause.field)).toEqual([
      "metadata.name",
      "spec.containers[0].image",
    ]);
    expect(bad.json.message).toMatch(
      /^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123/,
    );

    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { a: "1" } };
    const created = await call("/api/v1/namespaces/shop/configmaps", { method: "POST", body: cm });
    expect(created.status).toBe(201);
    const again = await call("/api/v1/namespaces/shop/configmaps", { method: "POST", body: cm });
    expect(again.json).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
      message: 'configmaps "cfg" already exists',
    });

    const stale = { ...cm, metadata: { name: "cfg", resourceVersion: "1" }, data: { a: "2" } };
    const conflict = await call("/api/v1/namespaces/shop/configmaps/cfg", { method: "PUT", body: stale });
    expect(conflict.json).toMatchObject({ code: 409, reason: "Conflict" });
    expect(conflict.json.message).toBe(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
    const current = created.json.metadata as { resourceVersion: string };
    const updated = await call("/api/v1/namespaces/shop/configmaps/cfg", {
      method: "PUT",
      body: { ...cm, metadata: { name: "cfg", resourceVersion: current.resourceVersion }, data: { a: "2" } },
    });
    expect(updated.status).toBe(200);
    expect(Number((updated.json.metadata as { resourceVersion: string }).resourceVersion)).toBeGreaterThan(
      Number(current.resourceVersion),
    );

    const nowhere = await call("/api/v1/namespaces/ghost/configmaps", { method: "POST", body: cm });
    expect(nowhere.json).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
  });

  it("applies server-side apply patches, creating and recording the field manager", async () => {
    const manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n";
    const path = "/api/v1/namespaces/shop/configmaps/applied?fieldManager=triage-bot";
    const first = await call(path, {
      method: "PATCH",
      body: manifest,
      contentType: "application/apply-patch+yaml",
    });
    expect(first.status).toBe(201);
    const second = await call(path, {
      method: "PATCH",
      body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k2: v2\n",
      contentType: "application/apply-patch+yaml",
    });
    expect(second.status).toBe(200);
    expect(second.json.data).toEqual({ k: "v", k2: "v2" });
    expect(
      (second.json.metadata as { managedFields: { manager: string; operation: string }[] }).managedFields,
    ).toEqual([expect.objectContaining({ manager: "triage-bot", operation: "Apply" })]);
    const noManager = await call("/api/v1/namespaces/shop/configmaps/applied", {
      method: "PATCH",
      body: manifest,
      contentType: "application/apply-patch+yaml",
    });
    expect(noManager.status).toBe(400);
  });

  it("deletes with dryRun=All without deleting, and cascades to dependents otherwise", async () => {
    const dry = await call("/apis/apps/v1/namespaces/shop/deployments/web?dryRun=All", { method: "DELETE" });
    expect(dry.status).toBe(200);
    expect(sim.view.get("Deployment", "shop", "web")).toBeDefined();
    const owner = sim.view.get("Deployment", "shop", "web")!;
    sim.view.upsert({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "web-1",
        namespace: "shop",
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "web",
            uid: owner.metadata.uid ?? "",
            controller: true,
          },
        ],
      },
      spec: {},
    });
    const gone = await call("/apis/apps/v1/namespaces/shop/deployments/web", { method: "DELETE" });
    expect(gone.json).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "web", group: "apps", kind: "deployments" },
    });
    expect(sim.view.get("ReplicaSet", "shop", "web-1")).toBeUndefined();
  });

  it("records every request with identity, verb, resource and status, and exposes it at /sim/requests", async () => {
    sim.clearRequests();
    await call("/api/v1/namespaces/shop/pods?limit=2", { token: sim.tokens.reader });
    await call("/api/v1/namespaces/shop/pods/migrate-db/log?container=wait-db", { token: sim.tokens.reader });
    await call("/api/v1/namespaces/shop/pods/migrate-db?dryRun=All", {
      method: "DELETE",
      token: sim.tokens.executor,
    });
    expect(sim.requests.map((request) => ({ ...request, at: undefined, wallTime: undefined }))).toEqual([
      {
        method: "GET",
        path: "/api/v1/namespaces/shop/pods",
        query: { limit: "2" },
        identity: "reader",
        verb: "list",
        resource: "pods",
        group: "",
        namespace: "shop",
        dryRun: false,
        status: 200,
        at: undefined,
        wallTime: undefined,
      },
      expect.objectContaining({
        verb: "get",
        resource: "pods",
        subresource: "log",
        name: "migrate-db",
        status: 200,
      }),
      expect.objectContaining({ verb: "delete", identity: "executor", dryRun: true, status: 200 }),
    ]);
    expect(sim.requests[0]?.at).toBe(sim.clock.now());
    const remote = await call("/sim/requests");
    expect((remote.json.items as unknown[]).length).toBe(3);
    expect((await call("/sim/requests", { token: sim.tokens.reader })).status).toBe(403);
    expect(sim.view.get("Pod", "shop", "migrate-db")).toBeDefined();
  });

  it("advances the simulated clock over /sim/advance", async () => {
    const before = Date.parse(sim.clock.now());
    const advanced = await call("/sim/advance?seconds=90", { method: "POST" });
    expect(advanced.status).toBe(200);
    expect(Date.parse(advanced.json.now as string) - before).toBe(90_000);
    expect(Date.parse(sim.clock.now()) - before).toBe(90_000);
    const exported = await call("/sim/state");
    expect(exported.text).toContain("kind: Clock");
    expect(exported.text).not.toContain("c3VwZXJzZWNyZXQ=");
  });

  it("streams a filtered watch: objects leaving the selector arrive as DELETED", async () => {
    const start = sim.view.upsert({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "watched", namespace: "shop", labels: { tier: "a" } },
    });
    const controller = new AbortController();
    const response = await fetch(
      `${sim.url}/api/v1/namespaces/shop/configmaps?watch=true&labelSelector=tier%3Da&resourceVersion=${start.metadata.resourceVersion}`,
      { headers: { authorization: `Bearer ${sim.tokens.admin}` }, signal: controller.signal },
    );
    expect(response.status).toBe(200);
    sim.view.upsert({ ...start, metadata: { ...start.metadata, labels: { tier: "b" } } });
    sim.view.upsert({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "other", namespace: "shop", labels: { tier: "a" } },
    });
    const reader = response.body!.getReader();
    let text = "";
    while (text.split("\n").filter(Boolean).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((event) => [event.type, event.object.metadata.name])).toEqual([
      ["DELETED", "watched"],
      ["ADDED", "other"],
    ]);
  });
});
