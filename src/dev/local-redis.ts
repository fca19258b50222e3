import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { requireRedisUrl } from "../queue/connection.js";
import { installDebianPackages } from "./apt.js";

/** A Redis server the caller may use, and how to let go of it. */
export interface LocalRedis {
  url: string;
  /** True when this process started the server (and `stop` will end it). */
  started: boolean;
  stop(): Promise<void>;
}

/** Sends PING over a raw socket; true when the server answers +PONG within the timeout. */
export function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const socket = createConnection({
      host: parsed.hostname || "127.0.0.1",
      port: Number(parsed.port || 6379),
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => {
      const auth = parsed.password ? `AUTH ${decodeURIComponent(parsed.password)}\r\n` : "";
      socket.write(`${auth}PING\r\n`);
    });
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      if (buffer.includes("+PONG")) done(true);
      else if (buffer.includes("-")) done(false);
    });
  });
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function hasBinary(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's redis-server package; needs root (or passwordless sudo). */
function installRedisServer(log: (line: string) => void): void {
  log("redis-server not found: installing Debian's redis-server package");
  installDebianPackages(["redis-server"], log);
}

async function waitForPing(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await pingRedis(url, 300)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on ${url} within ${deadlineMs} ms`);
}

/**
 * Uses `REDIS_URL` when it answers; otherwise starts a throw-away `redis-server` on a free loopback
 * port (no persistence), installing Debian's package first when the binary is missing.
 */
export async function ensureRedis(options: { log?: (line: string) => void } = {}): Promise<LocalRedis> {
  const log = options.log ?? (() => {});
  const configured = process.env.REDIS_URL;
  if (configured && (await pingRedis(configured))) {
    return { url: configured, started: false, stop: async () => {} };
  }
  if (configured) log(`REDIS_URL=${configured} does not answer; starting a local redis-server instead`);
  if (!hasBinary("redis-server")) installRedisServer(log);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "k8s-triage-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForPing(url, child, 10_000);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  log(`started redis-server on ${url}`);
  return {
    url,
    started: true,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server this process started on a known port, restartable on the same port and data. */
export interface RedisServer {
  url: string;
  port: number;
  /** The data directory (the append-only file lives here when `appendOnly` is set). */
  dir: string;
  /** Kills the server without warning (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory (after `kill`). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a dedicated redis-server (for tests that stop and restart Redis). With `appendOnly` every
 * write is fsynced to an append-only file, so data survives `kill` + `restart`.
 */
export async function startRedisServer(
  options: { port?: number; appendOnly?: boolean } = {},
): Promise<RedisServer> {
  if (!hasBinary("redis-server")) installRedisServer(() => {});
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "k8s-triage-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir];
  args.push(
    ...(options.appendOnly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  );
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn("redis-server", args, { stdio: "ignore" });
    child = started;
    try {
      await waitForPing(url, started, 10_000);
    } catch (error) {
      started.kill("SIGKILL");
      throw error;
    }
  };
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once("exit", r));
    running.kill(signal);
    await exited;
  };
  await launch();
  return {
    url,
    port,
    dir,
    kill: () => end("SIGKILL"),
    restart: launch,
    stop: async () => {
      await end("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Redis a long-running role uses: with `dev`, REDIS_URL when it answers or a local server we
 * start; otherwise REDIS_URL must be set and answer PING (production has no silent fallback).
 */
export async function redisForRole(
  url: string | undefined,
  options: { dev: boolean; log: (line: string) => void },
): Promise<LocalRedis> {
  if (options.dev) return ensureRedis({ log: options.log });
  const required = requireRedisUrl(url);
  if (!(await pingRedis(required, 3000))) {
    throw new ConfigError("REDIS_UNREACHABLE", `Redis at ${required} does not answer PING`);
  }
  return { url: required, started: false, stop: async () => {} };
}
