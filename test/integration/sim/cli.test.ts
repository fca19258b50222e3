import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { simFixturePath } from "../../support/sim.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const cli = join(root, "src", "cli.ts");

async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cli, "sim", ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

/** Starts `k8s-triage sim` and resolves with its printed kubeconfig path once it is serving. */
function startSim(
  args: string[],
): Promise<{ child: ChildProcess; kubeconfig: string; output: () => string }> {
  const child = spawn(tsx, [cli, "sim", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^kubeconfig: (\S+)/m.exec(output);
      if (match?.[1]) resolve({ child, kubeconfig: match[1], output: () => output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`sim exited early with ${code}: ${output}`)));
  });
}

/** GET /sim/clock through the kubeconfig's current (admin) identity, over the served TLS. */
async function simulatedNow(kubeconfig: string): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const options: { headers?: Record<string, string>; ca?: Buffer | string } = {};
  await kc.applyToHTTPSOptions(options);
  const url = new URL("/sim/clock", kc.getCurrentCluster()?.server);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(url, { ...options, method: "GET" }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end();
  });
  return Date.parse((JSON.parse(body) as { now: string }).now);
}

describe("k8s-triage sim", () => {
  let folder: string | undefined;
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("rejects unknown flags and unknown scenarios with exit 2", async () => {
    const flag = await runCli("--bogus");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--bogus'");
    const scenario = await runCli("--scenario", "no-such-scenario");
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain("unknown scenario 'no-such-scenario'. Available scenarios:");
    const nothing = await runCli();
    expect(nothing.code).toBe(2);
  });

  it("served standalone, simulated time follows wall time (--clock x60), and a bad --clock is refused", async () => {
    const bad = await runCli("--scenario", "healthy", "--clock", "sometimes");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--clock must be realtime, frozen or xN");
    folder ??= await mkdtemp(join(tmpdir(), "sim-cli-"));
    const { child, kubeconfig, output } = await startSim([
      "--scenario",
      "healthy",
      "--clock",
      "x60",
      "--kubeconfig",
      join(folder, "clock.kubeconfig"),
    ]);
    try {
      for (let i = 0; i < 50 && !output().includes("simulated time:"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output()).toContain("running at 60x wall time");
      const first = await simulatedNow(kubeconfig);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const second = await simulatedNow(kubeconfig);
      // At 60x, 2.5 s of wall time is well over a simulated minute (ticks are 1 s apart).
      expect(second - first).toBeGreaterThanOrEqual(60_000);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });

  it.skipIf(!existsSync("/usr/bin/kubectl"))(
    "serves a state file that kubectl can use through the printed kubeconfig, and stops on SIGTERM",
    async () => {
      folder = await mkdtemp(join(tmpdir(), "sim-cli-"));
      const path = join(folder, "kubeconfig");
      const { child, kubeconfig, output } = await startSim([
        "--state",
        simFixturePath("shop.yaml"),
        "--kubeconfig",
        path,
      ]);
      try {
        expect(kubeconfig).toBe(path);
        expect(output()).toMatch(/simulated cluster listening on https:\/\/127\.0\.0\.1:\d+/);
        const { stdout } = await run(
          "/usr/bin/kubectl",
          ["--kubeconfig", kubeconfig, "get", "pods", "-n", "shop"],
          {
            env: { ...process.env, KUBECONFIG: "", HOME: folder },
          },
        );
        expect(stdout).toMatch(/web-7d9c5b6f4-abcde\s+1\/2\s+CrashLoopBackOff/);
      } finally {
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      }
    },
  );
});
