import { readFileSync } from "node:fs";
import { ConfigError, errorMessage } from "../errors.js";
import { scopePrefix } from "./scope.js";

/**
 * Where the pipeline's Redis is and how to reach it: one plain server (`REDIS_URL`), a Sentinel
 * group that names the current master, or a Redis Cluster; each optionally with an ACL user and
 * TLS. Every role builds its connections from the same settings, so they cannot disagree.
 */

/** A `host:port` of a Sentinel or a Cluster node. */
export interface RedisAddress {
  host: string;
  port: number;
}

/** TLS of the Redis connections (files already read, so a bad path fails at startup). */
export interface RedisTlsSettings {
  /** PEM CA bundle that signed the server's certificate (default: Node's public CAs). */
  ca?: Buffer;
  /** Client certificate and key, for servers that require mutual TLS (`tls-auth-clients yes`). */
  cert?: Buffer;
  key?: Buffer;
  /** The name the server's certificate must carry when it differs from the host dialled. */
  servername?: string;
  /** The CA file's path, for error messages. */
  caFile?: string;
}

/** Credentials of a Redis ACL user (or `requirepass` with only a password). */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** One Redis server at a URL (`redis://` or `rediss://`). */
export interface StandaloneRedisSettings extends RedisCredentials {
  mode: "standalone";
  url: string;
  tls?: RedisTlsSettings;
}

/** A master found through Redis Sentinel (followed across failovers). */
export interface SentinelRedisSettings extends RedisCredentials {
  mode: "sentinel";
  sentinels: RedisAddress[];
  /** The master's name in the Sentinels' configuration (`sentinel monitor <name> …`). */
  masterName: string;
  /** The Sentinels' own password (`requirepass` of the Sentinel processes), when set. */
  sentinelPassword?: string;
  tls?: RedisTlsSettings;
}

/** A Redis Cluster reached through any of its seed nodes. */
export interface ClusterRedisSettings extends RedisCredentials {
  mode: "cluster";
  nodes: RedisAddress[];
  tls?: RedisTlsSettings;
}

/** How to reach the pipeline's Redis. */
export type RedisSettings = StandaloneRedisSettings | SentinelRedisSettings | ClusterRedisSettings;

/** What the connection functions accept: a Redis URL (as before) or full settings. */
export type RedisTarget = string | RedisSettings;

/** The environment variables the settings are read from (a subset of `Env`). */
export interface RedisEnv {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS?: string | undefined;
  REDIS_TLS_CA_FILE?: string | undefined;
  REDIS_TLS_CERT_FILE?: string | undefined;
  REDIS_TLS_KEY_FILE?: string | undefined;
  REDIS_TLS_SERVERNAME?: string | undefined;
}

function invalid(message: string): ConfigError {
  return new ConfigError("REDIS_CONFIG_INVALID", message);
}

/** Parses `host:port,host:port` (IPv6 as `[::1]:6379`). */
export function parseAddresses(variable: string, value: string): RedisAddress[] {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw invalid(`${variable} is empty: list host:port entries separated by ','`);
  return entries.map((entry) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!match || !host || port < 1 || port > 65535) {
      throw invalid(
        `${variable}: "${entry}" is not host:port (e.g. redis-sentinel-0:26379, or [::1]:26379 for IPv6)`,
      );
    }
    return { host, port };
  });
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw invalid(`${variable}=${path} cannot be read: ${errorMessage(error)}`);
  }
}

function tlsFromEnv(source: RedisEnv, wanted: boolean): RedisTlsSettings | undefined {
  const { REDIS_TLS_CA_FILE: caFile, REDIS_TLS_CERT_FILE: certFile, REDIS_TLS_KEY_FILE: keyFile } = source;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw invalid(
      "REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together (a client certificate needs its key): set both or neither",
    );
  }
  if (!wanted) return undefined;
  return {
    ...(caFile ? { ca: readPem("REDIS_TLS_CA_FILE", caFile), caFile } : {}),
    ...(certFile ? { cert: readPem("REDIS_TLS_CERT_FILE", certFile) } : {}),
    ...(keyFile ? { key: readPem("REDIS_TLS_KEY_FILE", keyFile) } : {}),
    ...(source.REDIS_TLS_SERVERNAME ? { servername: source.REDIS_TLS_SERVERNAME } : {}),
  };
}

function tlsFlag(source: RedisEnv): boolean | undefined {
  const raw = source.REDIS_TLS?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw invalid(`REDIS_TLS="${source.REDIS_TLS}" must be true or false`);
}

function anyTlsFile(source: RedisEnv): boolean {
  return Boolean(
    source.REDIS_TLS_CA_FILE ||
      source.REDIS_TLS_CERT_FILE ||
      source.REDIS_TLS_KEY_FILE ||
      source.REDIS_TLS_SERVERNAME,
  );
}

function credentials(source: RedisEnv): RedisCredentials {
  if (source.REDIS_USERNAME && !source.REDIS_PASSWORD) {
    throw invalid("REDIS_USERNAME is set without REDIS_PASSWORD: an ACL user needs its password");
  }
  return {
    ...(source.REDIS_USERNAME ? { username: source.REDIS_USERNAME } : {}),
    ...(source.REDIS_PASSWORD ? { password: source.REDIS_PASSWORD } : {}),
  };
}

function standalone(source: RedisEnv, url: string): StandaloneRedisSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`REDIS_URL="${url}" is not a URL (e.g. redis://redis:6379 or rediss://redis:6380)`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw invalid(`REDIS_URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  }
  const secure = parsed.protocol === "rediss:";
  const flag = tlsFlag(source);
  if (!secure && (flag === true || anyTlsFile(source))) {
    throw invalid(
      "TLS settings (REDIS_TLS / REDIS_TLS_*) are set but REDIS_URL uses redis://: write rediss:// to connect with TLS",
    );
  }
  if (source.REDIS_PASSWORD && parsed.password) {
    throw invalid(
      "REDIS_URL carries a password and REDIS_PASSWORD is set too: keep one (REDIS_PASSWORD keeps it out of the URL)",
    );
  }
  if (source.REDIS_USERNAME && parsed.username) {
    throw invalid("REDIS_URL carries a user name and REDIS_USERNAME is set too: keep one");
  }
  const tls = tlsFromEnv(source, secure);
  return { mode: "standalone", url, ...credentials(source), ...(tls ? { tls } : {}) };
}

/**
 * The Redis settings an environment describes, or undefined when it names no Redis at all.
 * Exactly one of `REDIS_URL`, `REDIS_SENTINELS` (+ `REDIS_SENTINEL_MASTER`) or
 * `REDIS_CLUSTER_NODES` says where Redis is; a contradictory or incomplete combination is a
 * ConfigError (code REDIS_CONFIG_INVALID) that names the variables to fix.
 */
export function redisSettingsFromEnv(source: RedisEnv): RedisSettings | undefined {
  const given = (
    [
      ["REDIS_URL", source.REDIS_URL],
      ["REDIS_SENTINELS", source.REDIS_SENTINELS],
      ["REDIS_CLUSTER_NODES", source.REDIS_CLUSTER_NODES],
    ] as const
  ).filter(([, value]) => value !== undefined && value.trim() !== "");
  if (given.length > 1) {
    throw invalid(
      `${given.map(([name]) => name).join(" and ")} are ${given.length === 2 ? "both" : "all"} set: Redis is either one server (REDIS_URL), a Sentinel group (REDIS_SENTINELS) or a Cluster (REDIS_CLUSTER_NODES); unset the others`,
    );
  }
  if (source.REDIS_SENTINEL_MASTER && !source.REDIS_SENTINELS) {
    throw invalid("REDIS_SENTINEL_MASTER is set without REDIS_SENTINELS: list the Sentinels as host:port,…");
  }
  if (source.REDIS_SENTINEL_PASSWORD && !source.REDIS_SENTINELS) {
    throw invalid("REDIS_SENTINEL_PASSWORD is set without REDIS_SENTINELS");
  }
  if (source.REDIS_URL) return standalone(source, source.REDIS_URL);
  if (given.length === 0) {
    if (source.REDIS_USERNAME || source.REDIS_PASSWORD || anyTlsFile(source)) {
      throw invalid(
        "Redis credentials or TLS settings are set but no Redis is: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES",
      );
    }
    return undefined;
  }
  const flag = tlsFlag(source);
  if (flag === false && anyTlsFile(source)) {
    throw invalid("REDIS_TLS=false contradicts the REDIS_TLS_* files that are set: drop one");
  }
  const tls = tlsFromEnv(source, flag ?? anyTlsFile(source));
  const common = { ...credentials(source), ...(tls ? { tls } : {}) };
  if (source.REDIS_SENTINELS) {
    if (!source.REDIS_SENTINEL_MASTER) {
      throw invalid(
        "REDIS_SENTINELS is set without REDIS_SENTINEL_MASTER: name the master the Sentinels monitor (e.g. mymaster)",
      );
    }
    return {
      mode: "sentinel",
      sentinels: parseAddresses("REDIS_SENTINELS", source.REDIS_SENTINELS),
      masterName: source.REDIS_SENTINEL_MASTER,
      ...(source.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: source.REDIS_SENTINEL_PASSWORD } : {}),
      ...common,
    };
  }
  return {
    mode: "cluster",
    nodes: parseAddresses("REDIS_CLUSTER_NODES", source.REDIS_CLUSTER_NODES as string),
    ...common,
  };
}

/** The settings of an environment, or a clear error when it names no Redis (production has no default). */
export function requireRedisSettings(source: RedisEnv): RedisSettings {
  const settings = redisSettingsFromEnv(source);
  if (!settings) {
    throw new ConfigError(
      "REDIS_URL_MISSING",
      "REDIS_URL is not set: point it at your Redis (e.g. redis://redis:6379), or set REDIS_SENTINELS + REDIS_SENTINEL_MASTER or REDIS_CLUSTER_NODES, or pass --dev-redis to start a local one",
    );
  }
  return settings;
}

/** Settings of a target (a bare URL is a standalone server). */
export function toRedisSettings(target: RedisTarget): RedisSettings {
  return typeof target === "string" ? { mode: "standalone", url: target } : target;
}

function addresses(list: readonly RedisAddress[]): string {
  return list
    .map(({ host, port }) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`))
    .join(",");
}

/** Where a target points, without credentials: for log lines and readiness reports. */
export function describeRedis(target: RedisTarget): string {
  const settings = toRedisSettings(target);
  if (settings.mode === "sentinel") {
    return `Sentinel master "${settings.masterName}" via ${addresses(settings.sentinels)}`;
  }
  if (settings.mode === "cluster") return `Redis Cluster ${addresses(settings.nodes)}`;
  try {
    const parsed = new URL(settings.url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "the configured Redis";
  }
}

/** True when the target is a Redis Cluster (its key prefixes need a hash tag). */
export function isRedisCluster(target: RedisTarget | undefined): boolean {
  return target !== undefined && typeof target !== "string" && target.mode === "cluster";
}

/**
 * The key prefix the pipeline uses on `target` for `cluster` under the base prefix
 * (`QUEUE_PREFIX`): on a Redis Cluster it is hash-tagged (`{k8s-triage}`), because BullMQ's
 * scripts and the store's scripts and MULTIs touch several keys of one prefix at once, which a
 * Cluster only allows when they hash to one slot.
 */
export function pipelinePrefix(base: string, target: RedisTarget | undefined, cluster?: string): string {
  return scopePrefix(base, cluster, { hashTag: isRedisCluster(target) });
}
