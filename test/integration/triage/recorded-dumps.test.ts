import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TriageResult } from "../../../src/domain/types.js";
import { openStateFile, snapshotFromFile } from "../../../src/k8s/from-file.js";
import { listScenarios, scenarioPath } from "../../../src/sim/scenarios/index.js";
import { triage } from "../../../src/triage/index.js";

/**
 * Real-shaped dumps (test/fixtures/dumps: `kubectl get … -o yaml` / `-o json` output with
 * defaulted fields, managedFields, `kind: List`, no ReplicaSets or owners) triaged through the
 * real path: state file → in-process simulated API server → reader → collector → engine.
 */

const dump = (name: string) => join(import.meta.dirname, "..", "..", "fixtures", "dumps", name);

async function triageFile(path: string, namespace: string, simulate?: boolean) {
  const open = await openStateFile(path, { namespace }, simulate === undefined ? {} : { simulate });
  await open.close();
  return { ...open, result: triage(open.snapshot) };
}

describe("a dump is triaged as recorded", () => {
  it("keeps a Deployment's ProgressDeadlineExceeded without ReplicaSets and names its pod's GPU request", async () => {
    const { snapshot, simulated, result } = await triageFile(dump("deploy-pods-gpu-stuck.yaml"), "ml");
    expect(simulated).toBe(false);
    // Nothing invented: no ReplicaSet, no extra pod, no event the capture did not have.
    expect(snapshot.replicaSets).toEqual([]);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(["trainer-7c5d8f9b64-qk2lz"]);
    expect(snapshot.events).toEqual([]);
    const progressing = snapshot.deployments[0]?.status?.conditions?.find((c) => c.type === "Progressing");
    expect(progressing?.reason).toBe("ProgressDeadlineExceeded");
    // The newest instant anywhere in the file (the condition / managedFields time), not creation.
    expect(result.collectedAt).toBe("2026-02-03T10:11:07Z");
    expect(result.rootCauses.map((c) => `${c.category} ${c.resource.kind}/${c.resource.name}`)).toEqual([
      "rollout-stuck Deployment/trainer",
    ]);
    const stuck = result.rootCauses[0]!;
    expect(stuck.summary).toContain("nvidia.com/gpu 1");
    expect(stuck.summary).toContain("no Node is in the snapshot");
    expect(stuck.affected).toContainEqual({ kind: "Pod", namespace: "ml", name: "trainer-7c5d8f9b64-qk2lz" });
    expect(stuck.evidence.join("\n")).toContain("Progressing=False ProgressDeadlineExceeded");
    expect(result.headline).not.toMatch(/all healthy|No problems/);
  });

  it("runs the simulation model on the same dump only when asked (--simulate)", async () => {
    const { snapshot, simulated } = await triageFile(dump("deploy-pods-gpu-stuck.yaml"), "ml", true);
    expect(simulated).toBe(true);
    // The model creates the ReplicaSet the dump lacked: that is what "simulated" means.
    expect(snapshot.replicaSets.length).toBeGreaterThan(0);
  });

  it("a kind: List JSON dump with Nodes: the GPU no node offers, from spec and capacity, no scheduler message", async () => {
    const { result } = await triageFile(dump("nodes-deploy-pods-gpu.json"), "ml");
    const cause = result.rootCauses.find((c) => c.resource.name === "trainer");
    expect(cause?.category).toBe("unschedulable-resources");
    expect(cause?.summary).toContain("no node offers nvidia.com/gpu");
    expect(cause?.evidence.join("\n")).toMatch(/allocatable ip-10-0-1-17\.eu-west-1\.compute\.internal: 0/);
    // The recorded rollout condition stays as evidence of the specific cause.
    expect(cause?.evidence.join("\n")).toContain("ProgressDeadlineExceeded");
    expect(result.rootCauses.some((c) => c.category === "rollout-stuck")).toBe(false);
  });

  it("warnings a later success answered are history, never root causes", async () => {
    const { result } = await triageFile(dump("stale-failedcreate.yaml"), "billing");
    expect(result.rootCauses).toEqual([]);
    // The dump holds no Nodes: "all healthy" would claim more than it shows.
    expect(result.headline).toBe(
      "No problems found in billing, but the view is incomplete: could not read nodes (not in the input)",
    );
    expect(result.gaps).toContainEqual({
      resource: "nodes",
      reason: "not-in-input",
      message: "nodes are not in the input file: node readiness, pressure and capacity are unknown",
    });
    const history = (result.history ?? []).join("\n");
    expect(history).toContain('serviceaccount "invoice-worker" not found — history: SuccessfulCreate at');
    expect(history).toMatch(/FailedScheduling .* — history: Scheduled at 2026-03-09T14:06:08Z/);
    expect(history).toMatch(/BackOff .* — history: the pod is Ready since 2026-03-09T14:06:35Z/);
  });

  it("an HPA whose target is not in the dump: never 'does not exist', the real cause first", async () => {
    const { result } = await triageFile(dump("hpa-target-absent.yaml"), "web");
    const hpa = result.rootCauses.find((c) => c.category === "hpa-misconfigured");
    expect(hpa?.summary).toContain("missing request for cpu in container sidecar");
    expect(`${hpa?.summary}\n${hpa?.evidence.join("\n")}`).not.toContain("does not exist");
    expect(hpa?.evidence.join("\n")).not.toContain("not in the snapshot");
  });
});

describe("failing while it looks alive (no restarts, no waiting reason)", () => {
  it("a liveness probe failing without a restart yet, an init loop on an unresolvable name, evictions by a node not in the input, FailedCreate over quota without the ReplicaSet", async () => {
    const { result } = await triageFile(dump("alive-but-failing.yaml"), "checkout");
    const byName = new Map(result.rootCauses.map((c) => [c.resource.name, c]));
    const orders = byName.get("orders");
    expect(orders?.category).toBe("init-container-failure");
    expect(orders?.summary).toContain("wait-for-db has been waiting 31m");
    expect(orders?.summary).toContain("orders-db.checkout.svc.cluster.local: NXDOMAIN");
    const reports = byName.get("reports");
    expect(reports?.category).toBe("node-pressure");
    expect(reports?.summary).toContain("low ephemeral-storage (2 evictions; 0 of 1 available)");
    expect(reports?.evidence).toContain(
      "Node ip-10-0-2-41.eu-west-1.compute.internal is not in the snapshot: its pressure conditions are unknown",
    );
    const batch = byName.get("batch");
    expect(batch?.category).toBe("quota-exceeded");
    expect(batch?.evidence.join("\n")).toContain("exceeded quota: checkout-quota");
    const search = byName.get("search");
    expect(search?.category).toBe("probe-failure");
    expect(search?.summary).toContain(
      "keeps failing its livenessProbe (the check times out) while still Ready",
    );
    expect(result.rootCauses).toHaveLength(4);
  });
});

describe("timestamps of a dump", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "recorded-dumps-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("take the clock from the newest container termination, and warn about malformed ones by object and field", async () => {
    const text = (await readFile(dump("stale-failedcreate.yaml"), "utf8"))
      // The newest instant becomes a container's finishedAt, after every event and condition.
      .replace('finishedAt: "2026-03-09T14:06:20Z"', 'finishedAt: "2026-03-09T14:09:59Z"')
      .replace('startTime: "2026-03-09T14:06:40Z"', 'startTime: "yesterday-ish"');
    const path = join(dir, "dump.yaml");
    await writeFile(path, text);
    const open = await openStateFile(path, { namespace: "billing" });
    await open.close();
    expect(open.snapshot.collectedAt).toBe("2026-03-09T14:09:59Z");
    expect(open.warnings).toContainEqual(
      `${path}: Pod billing/invoice-worker-5d8c7b9f4-p2m9d: status.startTime is not an RFC 3339 time ("yesterday-ish"); ignored`,
    );
  });
});

describe("no root cause of any fixture rests on a superseded event", () => {
  const fixtures: [string, string, string | undefined][] = [
    ...listScenarios().map((name): [string, string, string | undefined] => [
      name,
      scenarioPath(name),
      undefined,
    ]),
    ["stale-failedcreate", dump("stale-failedcreate.yaml"), "billing"],
    ["deploy-pods-gpu-stuck", dump("deploy-pods-gpu-stuck.yaml"), "ml"],
    ["nodes-deploy-pods-gpu", dump("nodes-deploy-pods-gpu.json"), "ml"],
    ["hpa-target-absent", dump("hpa-target-absent.yaml"), "web"],
    ["alive-but-failing", dump("alive-but-failing.yaml"), "checkout"],
    ["billing-crashloop", dump("billing-crashloop.yaml"), "billing"],
  ];
  it.each(fixtures)("%s", async (_name, path, namespace) => {
    const snapshot = await snapshotFromFile(path, namespace ? { namespace } : { allNamespaces: true });
    const result: TriageResult = triage(snapshot);
    const superseded = (result.history ?? []).map((line) => line.split(" — history: ")[0]!);
    for (const cause of result.rootCauses) {
      for (const quote of superseded) expect(cause.evidence).not.toContain(quote);
    }
  });
});
