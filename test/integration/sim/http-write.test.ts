import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { simCaller, simFixture } from "../../support/sim.js";

/** Writes, records, the clock and watches over raw HTTP. */
describe("simulated API server over raw HTTP: writes and control", () => {
  let sim: SimCluster;
  const call = simCaller(() => sim);

  beforeAll(async () => {
    sim = await startSimCluster({ state: simFixture("shop.yaml"), reconciler: null });
  });
  afterAll(async () => {
    await sim?.close();
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
        form: "object",
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

  it("serves legacy /watch/ paths with the current objects first, and ends after timeoutSeconds", async () => {
    const response = await fetch(
      `${sim.url}/api/v1/watch/namespaces/shop/pods?timeoutSeconds=1&allowWatchBookmarks=true`,
      {
        headers: { authorization: `bearer ${sim.tokens.reader}` },
      },
    );
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split("\n")
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            object: { metadata: { name?: string; resourceVersion: string } };
          },
      );
    const added = events.filter((event) => event.type === "ADDED").map((event) => event.object.metadata.name);
    expect(added).toEqual([
      "migrate-db",
      "report-29012345-xyz12",
      "web-7d9c5b6f4-abcde",
      "web-7d9c5b6f4-fghij",
    ]);
    expect(events.at(-1)?.type).toBe("BOOKMARK");
    expect(sim.requests.at(-1)).toMatchObject({
      verb: "watch",
      resource: "pods",
      identity: "reader",
      status: 200,
    });
  });
});
