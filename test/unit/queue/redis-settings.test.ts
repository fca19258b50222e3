import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../../src/config/env.js";
import { ConfigError } from "../../../src/errors.js";
import {
  describeRedis,
  pipelinePrefix,
  type RedisEnv,
  type RedisSettings,
  redisSettingsFromEnv,
  requireRedisSettings,
} from "../../../src/queue/redis-settings.js";

const dir = mkdtempSync(join(tmpdir(), "redis-settings-"));
const ca = join(dir, "ca.pem");
writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(source: RedisEnv): string {
  try {
    redisSettingsFromEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("REDIS_CONFIG_INVALID");
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("redisSettingsFromEnv", () => {
  it("keeps REDIS_URL working as before, with optional ACL credentials beside it", () => {
    expect(redisSettingsFromEnv({ REDIS_URL: "redis://redis:6379" })).toEqual({
      mode: "standalone",
      url: "redis://redis:6379",
    });
    expect(
      redisSettingsFromEnv({
        REDIS_URL: "redis://redis:6379/2",
        REDIS_USERNAME: "agent",
        REDIS_PASSWORD: "pw",
      }),
    ).toEqual({ mode: "standalone", url: "redis://redis:6379/2", username: "agent", password: "pw" });
    expect(redisSettingsFromEnv({})).toBeUndefined();
  });

  it("reads Sentinel and Cluster settings, IPv6 included", () => {
    expect(
      redisSettingsFromEnv({
        REDIS_SENTINELS: "s-0:26379, s-1:26379,[::1]:26380",
        REDIS_SENTINEL_MASTER: "mymaster",
        REDIS_SENTINEL_PASSWORD: "spw",
        REDIS_PASSWORD: "pw",
      }),
    ).toEqual({
      mode: "sentinel",
      sentinels: [
        { host: "s-0", port: 26379 },
        { host: "s-1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      masterName: "mymaster",
      sentinelPassword: "spw",
      password: "pw",
    });
    const cluster = redisSettingsFromEnv({ REDIS_CLUSTER_NODES: "n-0:6379,n-1:6379" });
    expect(cluster).toEqual({
      mode: "cluster",
      nodes: [
        { host: "n-0", port: 6379 },
        { host: "n-1", port: 6379 },
      ],
    });
    expect(describeRedis(cluster as NonNullable<typeof cluster>)).toBe("Redis Cluster n-0:6379,n-1:6379");
  });

  it("turns TLS on with rediss:// or a CA file, reading the file at once", () => {
    const secure = redisSettingsFromEnv({ REDIS_URL: "rediss://redis:6380", REDIS_TLS_CA_FILE: ca });
    expect(secure?.tls?.ca?.toString()).toContain("BEGIN CERTIFICATE");
    expect(redisSettingsFromEnv({ REDIS_URL: "rediss://redis:6380" })?.tls).toEqual({});
    const cluster = redisSettingsFromEnv({
      REDIS_CLUSTER_NODES: "n-0:6379",
      REDIS_TLS_CA_FILE: ca,
      REDIS_TLS_SERVERNAME: "redis.internal",
    });
    expect(cluster?.tls?.servername).toBe("redis.internal");
    expect(redisSettingsFromEnv({ REDIS_CLUSTER_NODES: "n-0:6379", REDIS_TLS: "true" })?.tls).toEqual({});
    expect(redisSettingsFromEnv({ REDIS_CLUSTER_NODES: "n-0:6379" })?.tls).toBeUndefined();
  });

  it("rejects contradictory or incomplete combinations with a message naming the variables", () => {
    expect(problem({ REDIS_URL: "redis://r:6379", REDIS_CLUSTER_NODES: "n:6379" })).toMatch(
      /REDIS_URL and REDIS_CLUSTER_NODES are both set/,
    );
    expect(problem({ REDIS_SENTINELS: "s:26379" })).toMatch(/without REDIS_SENTINEL_MASTER/);
    expect(problem({ REDIS_SENTINEL_MASTER: "m" })).toMatch(/without REDIS_SENTINELS/);
    expect(problem({ REDIS_CLUSTER_NODES: "n:6379", REDIS_SENTINEL_PASSWORD: "x" })).toMatch(
      /REDIS_SENTINEL_PASSWORD is set without REDIS_SENTINELS/,
    );
    expect(problem({ REDIS_CLUSTER_NODES: "n-0" })).toMatch(/"n-0" is not host:port/);
    expect(problem({ REDIS_CLUSTER_NODES: "n-0:70000" })).toMatch(/not host:port/);
    expect(problem({ REDIS_URL: "http://r:6379" })).toMatch(/must start with redis:\/\/ or rediss:\/\//);
    expect(problem({ REDIS_URL: "redis://r:6379", REDIS_TLS_CA_FILE: ca })).toMatch(/write rediss:\/\//);
    expect(problem({ REDIS_URL: "redis://:pw@r:6379", REDIS_PASSWORD: "pw" })).toMatch(/keep one/);
    expect(problem({ REDIS_URL: "redis://r:6379", REDIS_USERNAME: "agent" })).toMatch(
      /without REDIS_PASSWORD/,
    );
    expect(problem({ REDIS_URL: "rediss://r:6379", REDIS_TLS_CERT_FILE: ca })).toMatch(
      /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/,
    );
    expect(problem({ REDIS_CLUSTER_NODES: "n:6379", REDIS_TLS: "false", REDIS_TLS_CA_FILE: ca })).toMatch(
      /REDIS_TLS=false contradicts/,
    );
    expect(problem({ REDIS_CLUSTER_NODES: "n:6379", REDIS_TLS: "maybe" })).toMatch(/must be true or false/);
    expect(problem({ REDIS_PASSWORD: "pw" })).toMatch(/no Redis is/);
  });

  it("requires some Redis, naming every way to give one", () => {
    expect(() => requireRedisSettings({})).toThrow(
      /REDIS_URL is not set.*REDIS_SENTINELS.*REDIS_CLUSTER_NODES/,
    );
  });

  it("is fed by parseEnv, whose blank variables count as unset", () => {
    const env = parseEnv({ REDIS_URL: "redis://r:6379", REDIS_SENTINELS: "  ", REDIS_PASSWORD: "pw" });
    expect(redisSettingsFromEnv(env)).toEqual({ mode: "standalone", url: "redis://r:6379", password: "pw" });
  });
});

describe("pipelinePrefix", () => {
  it("hash-tags the prefix on a Redis Cluster only", () => {
    const cluster: RedisSettings = { mode: "cluster", nodes: [{ host: "n", port: 6379 }] };
    expect(pipelinePrefix("k8s-triage", "redis://r:6379")).toBe("k8s-triage");
    expect(pipelinePrefix("k8s-triage", undefined)).toBe("k8s-triage");
    expect(pipelinePrefix("k8s-triage", cluster)).toBe("{k8s-triage}");
    expect(pipelinePrefix("k8s-triage", cluster, "eu-1")).toBe("{k8s-triage:eu-1}");
    expect(pipelinePrefix("k8s-triage", "redis://r:6379", "eu-1")).toBe("k8s-triage:eu-1");
  });
});
