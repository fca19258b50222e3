import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TriageResult } from "../../../src/domain/types.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { shopState } from "../k8s/fixture.js";
import { runCli } from "./run-cli.js";

let dir: string;
let stateFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "triage-cli-"));
  stateFile = join(dir, "shop.yaml");
  await writeFile(stateFile, shopState());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withoutStats = (result: TriageResult) => ({
  ...result,
  stats: { pods: result.stats.pods, events: result.stats.events },
});

describe("k8s-triage triage --from-file", () => {
  it("prints the triage as JSON and exits 0", async () => {
    const run = await runCli(["triage", "shop", "--from-file", stateFile, "--format", "json", "--no-llm"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as TriageResult;
    expect(result.namespace).toBe("shop");
    expect(result.collectedAt).toBe("2026-01-15T09:00:00Z");
    expect(result.controlPlane.status).toBe("healthy");
    expect(result.rootCauses.map((cause) => [cause.category, cause.resource.name])).toContainEqual([
      "crash-loop",
      "worker-0",
    ]);
    expect(result.stats.apiRequests).toBeGreaterThan(0);
    expect(run.stdout).not.toMatch(/hunter2|xoxb-/);
  });

  it("names the cluster with --cluster (or CLUSTER_NAME): the JSON's cluster on the result and every root cause, and the report's title", async () => {
    const json = await runCli([
      "triage",
      "shop",
      "--from-file",
      stateFile,
      "--cluster",
      "eu-1",
      "--format",
      "json",
      "--no-llm",
    ]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as TriageResult;
    expect(result.cluster).toBe("eu-1");
    expect(result.rootCauses.length).toBeGreaterThan(0);
    expect(result.rootCauses.every((cause) => cause.cluster === "eu-1")).toBe(true);
    const text = await runCli(["triage", "shop", "--from-file", stateFile, "--no-llm"], {
      CLUSTER_NAME: "us-1",
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Triage of namespace shop on cluster us-1 /);
    // The all-in-one `default` names no cluster: the JSON keeps its single-cluster shape.
    const plain = await runCli(["triage", "shop", "--from-file", stateFile, "-o", "json", "--no-llm"], {
      CLUSTER_NAME: "default",
    });
    expect((JSON.parse(plain.stdout) as TriageResult).cluster).toBeUndefined();
  });

  it("triages every namespace with --all-namespaces", async () => {
    const run = await runCli(["triage", "--all-namespaces", "--from-file", stateFile, "--format", "json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as TriageResult;
    expect(result.namespace).toBe("*");
    expect(result.stats.pods).toBe(8);
  });

  it("prints its usage with --help and exits 0", async () => {
    const run = await runCli(["triage", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("usage: k8s-triage triage [namespace] [options]");
  });

  it("prints a text report without colour when not on a TTY", async () => {
    const run = await runCli(["triage", "shop", "--from-file", stateFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Triage of namespace shop");
    expect(run.stdout).toContain("[crash-loop] Pod shop/worker-0");
    expect(run.stdout).not.toContain(String.fromCharCode(27));
    // The fixture carries no triage.sim/* annotation: served as recorded, and the header says so.
    expect(run.stdout).toContain(`Input: state file ${stateFile}, read as recorded (no simulation)`);
  });

  it("writes the evidence directory, and its snapshot.yaml re-analyses to the same result", async () => {
    const evidence = join(dir, "evidence");
    const first = await runCli([
      "triage",
      "shop",
      "--from-file",
      stateFile,
      "--format",
      "markdown",
      "--evidence-dir",
      evidence,
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("## Executive summary");
    expect(first.stdout).toContain(`- **Evidence files:** \`${evidence}\``);
    expect((await readdir(evidence)).sort()).toEqual(
      [
        "events-warning.txt",
        "logs",
        "rca.json",
        "readyz.txt",
        "report.md",
        "snapshot.yaml",
        "triage.json",
      ].sort(),
    );
    expect(await readdir(join(evidence, "logs"))).toEqual(["shop_worker-0_worker.previous.log"]);
    expect(await readFile(join(evidence, "logs", "shop_worker-0_worker.previous.log"), "utf8")).toContain(
      "using token [REDACTED]",
    );
    expect(await readFile(join(evidence, "events-warning.txt"), "utf8")).toContain("BackOff (x12)");
    expect(await readFile(join(evidence, "readyz.txt"), "utf8")).toContain("readyz check passed");
    const saved = JSON.parse(await readFile(join(evidence, "triage.json"), "utf8")) as TriageResult;
    const again = await runCli([
      "triage",
      "shop",
      "--from-file",
      join(evidence, "snapshot.yaml"),
      "--format",
      "json",
    ]);
    expect(again.code).toBe(0);
    expect(withoutStats(JSON.parse(again.stdout) as TriageResult)).toEqual(withoutStats(saved));
  });
});

describe.concurrent("k8s-triage triage input errors", () => {
  const cases: [string, string[], number, RegExp][] = [
    [
      "an invalid namespace name",
      ["triage", "Prod_API", "--from-file", "x.yaml"],
      2,
      /'Prod_API' is not a valid namespace name/,
    ],
    ["an unknown flag", ["triage", "shop", "--bogus"], 2, /unknown option '--bogus'/],
    [
      "a namespace and --all-namespaces",
      ["triage", "shop", "--all-namespaces"],
      2,
      /give a namespace \('shop'\) or --all-namespaces, not both/,
    ],
    [
      "an unknown format",
      ["triage", "shop", "--format", "html"],
      2,
      /unknown --format 'html': use text, markdown, json/,
    ],
    [
      "a cluster name that is not a DNS label",
      ["triage", "shop", "--cluster", "EU_1"],
      2,
      /--cluster: cluster name "EU_1" must be a DNS label/,
    ],
    [
      "an unreadable state file",
      ["triage", "shop", "--from-file", "/nonexistent/state.yaml"],
      2,
      /cannot read state file \/nonexistent\/state.yaml/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    it(`rejects ${name} with exit ${code}`, async () => {
      const run = await runCli(args);
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe("");
    });
  }

  it("rejects a malformed state file with exit 2 naming the file", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n");
    const run = await runCli(["triage", "shop", "--from-file", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(bad);
  });

  it("says a namespace does not exist and suggests the closest, exit 1", async () => {
    const run = await runCli(["triage", "shpo", "--from-file", stateFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("namespace 'shpo' does not exist; did you mean 'shop'?");
  });
});

describe("k8s-triage triage against a live (simulated) cluster", () => {
  let sim: SimCluster;
  let kubeconfig: string;
  beforeAll(async () => {
    sim = await startSimCluster({ state: shopState() });
    kubeconfig = join(dir, "kubeconfig");
    await sim.writeKubeconfig(kubeconfig, "reader");
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("collects with the kubeconfig's reader context, GETs only", async () => {
    sim.clearRequests();
    const run = await runCli([
      "triage",
      "shop",
      "--kubeconfig",
      kubeconfig,
      "--context",
      "sim-reader",
      "--format",
      "json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as TriageResult;
    expect(result.rootCauses.map((cause) => cause.resource.name)).toContain("worker-0");
    expect(result.stats.apiRequests).toBe(sim.requests.length);
    expect(new Set(sim.requests.map((request) => `${request.method} ${request.identity}`))).toEqual(
      new Set(["GET reader"]),
    );
  });

  it("rejects an unknown context listing the known ones, exit 2", async () => {
    const run = await runCli(["triage", "shop", "--kubeconfig", kubeconfig, "--context", "prod"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "context 'prod' not found in kubeconfig; known contexts: sim-admin, sim-reader, sim-executor",
    );
  });

  it("fails clearly when the cluster is unreachable, exit 1", async () => {
    const gone = await startSimCluster({});
    const path = join(dir, "gone-kubeconfig");
    await gone.writeKubeconfig(path, "reader");
    const url = gone.url;
    await gone.close();
    const run = await runCli(["triage", "shop", "--kubeconfig", path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the cluster at ${url}`);
    expect(run.stdout).toBe("");
  });
});
