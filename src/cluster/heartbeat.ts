import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { errorMessage } from "../errors.js";
import { log as defaultLog, type Logger } from "../log.js";
import type { AgentHeartbeat, AgentRegistry, AgentRole } from "./registry.js";

/** How often an agent beats by default (a quarter of the default offline threshold). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Setup of one agent's heartbeat. */
export interface HeartbeatOptions {
  registry: AgentRegistry;
  cluster: string;
  roles: AgentRole[];
  /** The namespaces this agent's identity sees; undefined when it cannot list them. */
  namespaces?: () => Promise<string[] | undefined>;
  intervalMs?: number;
  /** How often the namespace list is refreshed (it is a LIST call; default every 4th beat). */
  namespacesEveryBeats?: number;
  clock?: () => Date;
  logger?: Logger;
  /** How long `stop()` waits to write the stopped mark (default 2 s). */
  stopTimeoutMs?: number;
}

/** A running heartbeat. */
export interface Heartbeat {
  /** The record as last written. */
  current(): AgentHeartbeat;
  /** Writes one beat now (also done on an interval). */
  beat(): Promise<void>;
  /** Stops beating and marks the agent stopped (graceful shutdown). Idempotent. */
  stop(): Promise<void>;
}

/** The version in package.json (read once; "unknown" from a layout without it). */
export function packageVersion(): string {
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (parsed.name === "k8s-triage-bot" && parsed.version) return parsed.version;
    } catch {
      // try the next layout (src/ under tsx, dist/ after the build)
    }
  }
  return "unknown";
}

/**
 * Registers this process as an agent of `cluster` and keeps its heartbeat fresh. A failed beat
 * (Redis away) is logged once per outage and retried on the next tick: central then sees the
 * agent as late, which is the truth.
 */
export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const clock = options.clock ?? (() => new Date());
  const logger = (options.logger ?? defaultLog).child({ component: "heartbeat" });
  const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  const namespacesEvery = options.namespacesEveryBeats ?? 4;
  const started = clock().toISOString();
  const host = hostname();
  let record: AgentHeartbeat = {
    id: `${host}:${process.pid}:${randomBytes(4).toString("hex")}`,
    cluster: options.cluster,
    version: packageVersion(),
    roles: [...options.roles],
    host,
    pid: process.pid,
    startedAt: started,
    lastSeen: started,
  };
  let beats = 0;
  let failing = false;
  let stopped = false;
  const refreshNamespaces = async () => {
    if (!options.namespaces) return;
    try {
      const names = await options.namespaces();
      record = names ? { ...record, namespaces: [...names].sort() } : withoutNamespaces(record);
    } catch (error) {
      logger.warn("cannot list namespaces for the heartbeat", { error: errorMessage(error) });
    }
  };
  let inFlight: Promise<void> | undefined;
  const beatOnce = async () => {
    if (beats % namespacesEvery === 0) await refreshNamespaces();
    beats++;
    record = { ...record, lastSeen: clock().toISOString() };
    try {
      await options.registry.beat(record);
      if (failing) logger.info("heartbeat restored", { cluster: options.cluster });
      failing = false;
    } catch (error) {
      if (!failing) logger.warn("heartbeat failed", { cluster: options.cluster, error: errorMessage(error) });
      failing = true;
    }
  };
  // One beat at a time: while Redis is away a beat waits for the reconnect, and beats must not
  // pile up behind it.
  const beat = async () => {
    inFlight ??= beatOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  // Registered before the caller goes on, unless Redis is away: then the first beat keeps
  // waiting in the background and startup (and a stop requested meanwhile) is not held up.
  let first: NodeJS.Timeout | undefined;
  await Promise.race([
    beat(),
    new Promise<void>((resolve) => {
      first = setTimeout(resolve, options.stopTimeoutMs ?? 2000);
    }),
  ]);
  clearTimeout(first);
  const timer = setInterval(() => {
    if (!stopped) void beat();
  }, intervalMs);
  timer.unref();
  return {
    current: () => record,
    beat,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      record = { ...record, lastSeen: clock().toISOString(), stopped: true };
      // Bounded: with Redis gone the goodbye would wait for a reconnect and hold up the shutdown
      // (central then sees the agent as late instead of stopped, which is also true).
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        deadline = setTimeout(() => resolve("timeout"), options.stopTimeoutMs ?? 2000);
      });
      const result = await Promise.race([
        options.registry.beat(record).then(
          () => "done" as const,
          (error: unknown) => {
            logger.warn("could not mark the agent stopped", { error: errorMessage(error) });
            return "failed" as const;
          },
        ),
        timeout,
      ]);
      clearTimeout(deadline);
      if (result === "timeout") logger.warn("could not mark the agent stopped in time (Redis unavailable?)");
    },
  };
}

function withoutNamespaces(record: AgentHeartbeat): AgentHeartbeat {
  const { namespaces: _dropped, ...rest } = record;
  return rest;
}
