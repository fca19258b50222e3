import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installDebianPackages } from "./apt.js";
import { freePort } from "./local-redis.js";

const run = promisify(execFile);

/** A Prometheus server this process started, and how to let go of it. */
export interface LocalPrometheus {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

function hasBinary(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's `prometheus` package (which brings `promtool`) when either binary is missing. */
export function ensurePrometheusBinaries(log: (line: string) => void = () => {}): void {
  if (hasBinary("prometheus") && hasBinary("promtool")) return;
  log("prometheus not found: installing Debian's prometheus package");
  installDebianPackages(["prometheus"], log);
}

async function waitReady(
  url: string,
  child: ChildProcess,
  deadlineMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited with code ${child.exitCode}:\n${output().slice(-2000)}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `prometheus did not report ready on ${url} within ${deadlineMs} ms:\n${output().slice(-2000)}`,
  );
}

/**
 * Starts a throw-away Prometheus on a free loopback port with its own data directory and no
 * scrape jobs. `openMetrics` (text ending in `# EOF`) is turned into TSDB blocks with
 * `promtool tsdb create-blocks-from openmetrics` first, so the server holds exactly that history
 * and every query is answered by the real engine.
 */
export async function startLocalPrometheus(
  options: { openMetrics?: string; log?: (line: string) => void; readyTimeoutMs?: number } = {},
): Promise<LocalPrometheus> {
  const log = options.log ?? (() => {});
  ensurePrometheusBinaries(log);
  const dir = mkdtempSync(join(tmpdir(), "k8s-triage-prometheus-"));
  const dataDir = join(dir, "data");
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
  try {
    if (options.openMetrics) {
      const input = join(dir, "samples.om.txt");
      writeFileSync(input, options.openMetrics);
      await run("promtool", ["tsdb", "create-blocks-from", "openmetrics", input, dataDir], {
        maxBuffer: 16 * 1024 * 1024,
      });
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=30d",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 60_000, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  log(`started prometheus on ${url}`);
  return {
    url,
    port,
    dataDir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
