import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { installDebianPackages } from "../../src/dev/apt.js";
import { freePort, pingRedis } from "../../src/dev/local-redis.js";

/**
 * Real Redis topologies on loopback ports for the Redis-at-scale tests: a master with a replica
 * and a Sentinel (`redis-server --sentinel`, the same binary, so no extra package), a 3-master
 * Redis Cluster, a TLS-only server. Each server gets a free port and its own temp directory and
 * is stopped (directory removed) by `stop()`.
 */

/** One redis-server process this test started. */
export interface RedisProcess {
  port: number;
  dir: string;
  /** Everything the server logged (for assertion messages). */
  output(): string;
  /** Kills the process without warning, as a crash would. */
  kill(): Promise<void>;
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

/** redis-server and redis-cli (Debian's redis-server package brings both, and Sentinel mode). */
export function ensureRedisBinaries(): void {
  if (!hasBinary("redis-server") || !hasBinary("redis-cli")) {
    installDebianPackages(["redis-server"], (line) => console.log(`[redis-topology] ${line}`));
  }
}

async function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await done;
}

/**
 * Starts `redis-server <config file> <args>` in a fresh directory and waits until it logs
 * `readyLine` (TLS-only servers cannot be pinged in plain text).
 */
/** PEM files of a TLS-only server (the CA verifies its peers: replicas, Sentinels, clients). */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

/** Arguments that make a server (or Sentinel) speak TLS only, on `port`, also to its master. */
function tlsArgs(port: number, tls: TlsFiles): string[] {
  return [
    "--port",
    "0",
    "--tls-port",
    String(port),
    "--tls-cert-file",
    tls.cert,
    "--tls-key-file",
    tls.key,
    "--tls-ca-cert-file",
    tls.ca,
    "--tls-auth-clients",
    "no",
    "--tls-replication",
    "yes",
  ];
}

export async function spawnRedis(
  options: { config?: string; args?: string[]; readyLine?: RegExp; port?: number; tls?: TlsFiles } = {},
): Promise<RedisProcess> {
  ensureRedisBinaries();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "k8s-triage-redis-topo-"));
  const configPath = join(dir, "redis.conf");
  writeFileSync(configPath, options.config ?? "");
  const args = [
    configPath,
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
    ...(options.args ?? []),
    ...(options.tls ? tlsArgs(port, options.tls) : []),
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const ready = options.readyLine ?? /Ready to accept connections/;
  const deadline = Date.now() + 15_000;
  while (!ready.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server ${args.join(" ")} did not start:\n${log}`);
    }
    await sleep(25);
  }
  return {
    port,
    dir,
    output: () => log,
    kill: () => exited(child, "SIGKILL"),
    stop: async () => {
      await exited(child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A master, one replica and one Sentinel (quorum 1) watching them. */
export interface SentinelGroup {
  masterName: string;
  master: RedisProcess;
  replica: RedisProcess;
  sentinel: RedisProcess;
  stop(): Promise<void>;
}

/** Runs redis-cli against a loopback port and returns its output. */
export function redisCli(port: number, ...args: string[]): string {
  return execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning", ...args], {
    encoding: "utf8",
  }).trim();
}

/** redis-cli's flags for a TLS-only server. */
function cliTls(tls: TlsFiles | undefined): string[] {
  return tls ? ["--tls", "--cacert", tls.ca, "--cert", tls.cert, "--key", tls.key] : [];
}

/** Extra configuration of a Sentinel group (ACL users, passwords). */
export interface SentinelGroupOptions {
  masterName?: string;
  /** redis.conf lines of both data nodes (e.g. `user …` ACL lines). */
  dataConfig?: string[];
  /** redis.conf lines of the replica only (e.g. `masteruser` / `masterauth`). */
  replicaConfig?: string[];
  /** Lines of the Sentinel after its `sentinel monitor` line (e.g. `requirepass`, `sentinel auth-pass`). */
  sentinelConfig?: (masterName: string) => string[];
  /** Every node and the Sentinel speak TLS only (replication and monitoring included). */
  tls?: TlsFiles;
}

/** Starts a master, a replica of it and a Sentinel that fails over after 1 s of silence. */
export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const masterName = options.masterName ?? "k8s-triage-test";
  const dataConfig = [...(options.dataConfig ?? []), ""].join("\n");
  const tls = options.tls ? { tls: options.tls } : {};
  const master = await spawnRedis({ config: dataConfig, ...tls });
  const replica = await spawnRedis({
    config: [dataConfig, ...(options.replicaConfig ?? []), ""].join("\n"),
    args: ["--replicaof", "127.0.0.1", String(master.port)],
    ...tls,
  });
  const sentinelPort = await freePort();
  const sentinel = await spawnRedis({
    port: sentinelPort,
    // Sentinel rewrites its config file (it must be writable), so it lives in the server's dir.
    config: [
      `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${masterName} 1000`,
      `sentinel failover-timeout ${masterName} 5000`,
      `sentinel parallel-syncs ${masterName} 1`,
      ...(options.sentinelConfig?.(masterName) ?? []),
      "",
    ].join("\n"),
    args: ["--sentinel"],
    readyLine: /\+monitor master/,
    ...tls,
  });
  // The replica is known to the Sentinel only after it has asked the master (INFO every 10 s at first).
  const deadline = Date.now() + 30_000;
  while (!/\+slave /.test(sentinel.output())) {
    if (Date.now() > deadline) throw new Error(`the Sentinel never saw the replica:\n${sentinel.output()}`);
    await sleep(100);
  }
  return {
    masterName,
    master,
    replica,
    sentinel,
    stop: async () => {
      await sentinel.stop();
      await replica.stop();
      await master.stop();
    },
  };
}

/** A Redis Cluster of masters (no replicas) with every slot assigned. */
export interface RedisClusterNodes {
  nodes: RedisProcess[];
  stop(): Promise<void>;
}

/**
 * Starts `count` cluster-enabled servers and joins them with `redis-cli --cluster create`; with
 * `tls`, clients and the cluster bus speak TLS only.
 */
export async function startRedisCluster(count = 3, tls?: TlsFiles): Promise<RedisClusterNodes> {
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(
        await spawnRedis({
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "2000",
            ...(tls ? ["--tls-cluster", "yes"] : []),
          ],
          ...(tls ? { tls } : {}),
        }),
      );
    }
    execFileSync(
      "redis-cli",
      [
        ...cliTls(tls),
        "--cluster",
        "create",
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        "--cluster-yes",
      ],
      { stdio: "pipe" },
    );
    const deadline = Date.now() + 30_000;
    for (const node of nodes) {
      while (!/cluster_state:ok/.test(redisCli(node.port, ...cliTls(tls), "cluster", "info"))) {
        if (Date.now() > deadline) throw new Error(`cluster never became ok on ${node.port}`);
        await sleep(100);
      }
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return { nodes, stop: async () => void (await Promise.all(nodes.map((node) => node.stop()))) };
}

/** Waits until a plain-text server answers PING. */
export async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pingRedis(`redis://127.0.0.1:${port}`, 300))) {
    if (Date.now() > deadline) throw new Error(`redis on ${port} does not answer`);
    await sleep(50);
  }
}
