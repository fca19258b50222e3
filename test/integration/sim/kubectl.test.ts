import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { simFixture } from "../../support/sim.js";

const run = promisify(execFile);
const KUBECTL = "/usr/bin/kubectl";
const hasKubectl = existsSync(KUBECTL);

describe.skipIf(!hasKubectl)("the real kubectl against the simulated API server", () => {
  let sim: SimCluster;
  let folder: string;
  let kubeconfig: string;

  const kubectl = async (...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> => {
    try {
      const { stdout, stderr } = await run(KUBECTL, ["--kubeconfig", kubeconfig, ...args], {
        env: { ...process.env, KUBECONFIG: "", HOME: folder },
      });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; code?: number };
      return { stdout: failure.stdout ?? "", stderr: failure.stderr ?? "", code: failure.code ?? 1 };
    }
  };

  beforeAll(async () => {
    sim = await startSimCluster({ state: simFixture("shop.yaml"), reconciler: null, tls: true });
    folder = await mkdtemp(join(tmpdir(), "sim-kubectl-"));
    kubeconfig = join(folder, "kubeconfig");
    await sim.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    await sim?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("get pods -A prints kubectl's columns with the computed STATUS", async () => {
    const { stdout, stderr, code } = await kubectl("get", "pods", "-A");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    const rows = Object.fromEntries(
      lines.slice(1).map((line) => {
        const cells = line.split(/\s{2,}/);
        return [cells[1], cells];
      }),
    );
    expect(rows["web-7d9c5b6f4-abcde"]).toEqual([
      "shop",
      "web-7d9c5b6f4-abcde",
      "1/2",
      "CrashLoopBackOff",
      "7 (3m ago)",
      "60m",
    ]);
    expect(rows["web-7d9c5b6f4-fghij"]?.slice(2, 4)).toEqual(["1/2", "ImagePullBackOff"]);
    expect(rows["migrate-db"]?.slice(2, 4)).toEqual(["0/1", "Init:CrashLoopBackOff"]);
    expect(rows["report-29012345-xyz12"]?.slice(2, 4)).toEqual(["0/1", "Completed"]);
  });

  it("describe pod shows containers, state and the pod's events", async () => {
    const { stdout, code } = await kubectl("describe", "pod", "web-7d9c5b6f4-abcde", "-n", "shop");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Name:\s+web-7d9c5b6f4-abcde$/m);
    expect(stdout).toMatch(/^Namespace:\s+shop$/m);
    expect(stdout).toMatch(/^Node:\s+node-1/m);
    expect(stdout).toMatch(/Reason:\s+CrashLoopBackOff/);
    expect(stdout).toMatch(/Restart Count:\s+7/);
    expect(stdout).toMatch(
      /Warning\s+BackOff\s+.*\(x42 over .*\)\s+kubelet\s+Back-off restarting failed container app/,
    );
  });

  it("logs --previous -c returns the previous container's log", async () => {
    const { stdout, code } = await kubectl(
      "logs",
      "--previous",
      "web-7d9c5b6f4-abcde",
      "-c",
      "app",
      "-n",
      "shop",
    );
    expect(code).toBe(0);
    expect(stdout).toContain('FATAL: password authentication failed for user "shop"');
    const missing = await kubectl("logs", "--previous", "web-7d9c5b6f4-abcde", "-c", "proxy", "-n", "shop");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'previous terminated container "proxy" in pod "web-7d9c5b6f4-abcde" not found',
    );
  });

  it("get events lists reasons and objects", async () => {
    const { stdout, code } = await kubectl("get", "events", "-n", "shop");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    expect(stdout).toMatch(/2m\s+Warning\s+BackOff\s+pod\/web-7d9c5b6f4-abcde\s+Back-off restarting/);
    expect(stdout).toMatch(/Warning\s+Failed\s+pod\/web-7d9c5b6f4-fghij\s+Failed to pull image/);
  });

  it("get --raw /readyz?verbose returns the state's health body", async () => {
    const { stdout, code } = await kubectl("get", "--raw", "/readyz?verbose");
    expect(code).toBe(0);
    expect(stdout).toContain("[+]etcd ok");
    expect(stdout.trim().endsWith("readyz check passed")).toBe(true);
  });

  it("the reader context cannot delete, and cannot read secrets", async () => {
    const denied = await kubectl("--context", "sim-reader", "delete", "pod", "migrate-db", "-n", "shop");
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'pods "migrate-db" is forbidden: User "reader" cannot delete resource "pods" in API group "" in the namespace "shop"',
    );
    const secrets = await kubectl("--context", "sim-reader", "get", "secrets", "-n", "shop");
    expect(secrets.stderr).toContain('User "reader" cannot list resource "secrets"');
    const admin = await kubectl("get", "secret", "db-credentials", "-n", "shop", "-o", "jsonpath={.data}");
    expect(admin.code).toBe(0);
    // State files carry Secret metadata only.
    expect(admin.stdout).toBe("");
  });

  it("scale and patch through kubectl change the stored Deployment", async () => {
    const scaled = await kubectl("scale", "deployment", "web", "-n", "shop", "--replicas=3");
    expect(scaled.stderr).toBe("");
    expect(scaled.stdout).toContain("deployment.apps/web scaled");
    const patched = await kubectl(
      "patch",
      "deployment",
      "web",
      "-n",
      "shop",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.example.com/shop/web:1.4.3"}]}}}}',
    );
    expect(patched.stdout).toContain("deployment.apps/web patched");
    const deployment = sim.view.get("Deployment", "shop", "web") as {
      spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
      metadata: { generation: number };
    };
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers.map((container) => container.image)).toEqual([
      "registry.example.com/shop/web:1.4.3",
      "envoyproxy/envoy:v1.31.0",
    ]);
    expect(deployment.metadata.generation).toBe(5);
  });

  it("auth can-i answers from the identity's rules", async () => {
    expect((await kubectl("auth", "can-i", "delete", "pods", "-n", "shop")).stdout.trim()).toBe("yes");
    const reader = await kubectl("--context", "sim-reader", "auth", "can-i", "delete", "pods", "-n", "shop");
    expect(reader.stdout.trim()).toBe("no");
    const executor = await kubectl(
      "--context",
      "sim-executor",
      "auth",
      "can-i",
      "patch",
      "deployments.apps",
      "-n",
      "shop",
    );
    expect(executor.stdout.trim()).toBe("yes");
  });

  it("refuses protobuf bodies with 415 rather than misreading them", async () => {
    const created = await kubectl("create", "deployment", "nginx", "--image=nginx:1.27", "-n", "shop");
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain("unknown format");
    expect(sim.view.get("Deployment", "shop", "nginx")).toBeUndefined();
  });

  it("label and annotate change metadata only: no generation bump, no forbidden pod update", async () => {
    const before = sim.view.get("Deployment", "shop", "web")?.metadata.generation;
    const annotated = await kubectl(
      "annotate",
      "deployment",
      "web",
      "-n",
      "shop",
      "triage.example.com/seen=yes",
    );
    expect(annotated.stderr).toBe("");
    expect(sim.view.get("Deployment", "shop", "web")?.metadata.generation).toBe(before);
    const labelled = await kubectl("label", "pod", "migrate-db", "-n", "shop", "triaged=true");
    expect(labelled.stderr).toBe("");
    expect(sim.view.get("Pod", "shop", "migrate-db")?.metadata.labels?.triaged).toBe("true");
    const resized = await kubectl(
      "patch",
      "pod",
      "migrate-db",
      "-n",
      "shop",
      "-p",
      '{"spec":{"containers":[{"name":"migrate","resources":{"limits":{"memory":"1Gi"}}}]}}',
    );
    expect(resized.code).not.toBe(0);
    expect(resized.stderr).toContain("pod updates may not change fields other than");
  });
});
