import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../src/dev/local-redis.js";
import { ConfigError } from "../../../src/errors.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { redisSettingsFromEnv } from "../../../src/queue/redis-settings.js";
import { createServingCertificate } from "../../../src/sim/tls.js";
import { jobFinished, startHarness } from "../../support/queue-harness.js";
import { scriptedRca, trigger } from "../../support/queue-helpers.js";
import { type RedisProcess, spawnRedis } from "../../support/redis-topology.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

/** A redis-server that only speaks TLS, with a certificate for 127.0.0.1 and localhost. */
async function tlsRedis(): Promise<{ server: RedisProcess; caFile: string; wrongCaFile: string }> {
  const port = await freePort();
  const certificate = createServingCertificate("k8s-triage-redis-test");
  const dir = mkdtempSync(join(tmpdir(), "k8s-triage-redis-tls-"));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, "redis.crt");
  const keyFile = join(dir, "redis.key");
  const caFile = join(dir, "ca.crt");
  const wrongCaFile = join(dir, "wrong-ca.crt");
  writeFileSync(certFile, certificate.cert);
  writeFileSync(keyFile, certificate.key, { mode: 0o600 });
  writeFileSync(caFile, certificate.cert);
  writeFileSync(wrongCaFile, createServingCertificate("someone-else").cert);
  const server = await spawnRedis({
    port,
    args: [
      "--port",
      "0",
      "--tls-port",
      String(port),
      "--tls-cert-file",
      certFile,
      "--tls-key-file",
      keyFile,
      "--tls-ca-cert-file",
      caFile,
      "--tls-auth-clients",
      "no",
    ],
  });
  cleanup.push(() => server.stop());
  return { server, caFile, wrongCaFile };
}

describe("Redis over TLS", () => {
  it("runs the pipeline over rediss:// trusting the CA file", async () => {
    const { server, caFile } = await tlsRedis();
    const settings = redisSettingsFromEnv({
      REDIS_URL: `rediss://127.0.0.1:${server.port}`,
      REDIS_TLS_CA_FILE: caFile,
    });
    if (!settings) throw new Error("no settings");
    expect(settings.tls?.ca?.toString()).toContain("BEGIN CERTIFICATE");
    const h = await startHarness(settings, { analyze: async ({ triage }) => scriptedRca(triage) });
    cleanup.push(() => h.close(1000));
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await jobFinished(h, investigation.id);
    expect((await h.producer.store.require(investigation.id)).status).toBe("completed");
    // The certificate names localhost too, so a DNS name verifies as well.
    const byName = createProducerConnection(
      {
        mode: "standalone",
        url: `rediss://localhost:${server.port}`,
        ...(settings.tls ? { tls: settings.tls } : {}),
      },
      "tls-localhost",
    );
    cleanup.push(async () => byName.disconnect());
    await waitReady(byName, 5000);
    expect(await byName.ping()).toBe("PONG");
  });

  it("refuses a server its CA did not sign, saying which setting to check", async () => {
    const { server, wrongCaFile } = await tlsRedis();
    const settings = redisSettingsFromEnv({
      REDIS_URL: `rediss://127.0.0.1:${server.port}`,
      REDIS_TLS_CA_FILE: wrongCaFile,
    });
    if (!settings) throw new Error("no settings");
    const redis = createProducerConnection(settings, "tls-wrong-ca");
    cleanup.push(async () => redis.disconnect());
    const failure = await waitReady(redis, 3000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(
      /TLS verification of the Redis server failed \(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN/,
    );
    expect((failure as Error).message).toContain("REDIS_TLS_CA_FILE");
    expect(redis.status).not.toBe("ready");
  });

  it("rejects TLS files with a redis:// URL and a missing CA file at startup", () => {
    expect(() =>
      redisSettingsFromEnv({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_TLS_CA_FILE: "/tmp/ca.crt" }),
    ).toThrow(/write rediss:\/\//);
    expect(() =>
      redisSettingsFromEnv({
        REDIS_URL: "rediss://127.0.0.1:6380",
        REDIS_TLS_CA_FILE: "/nonexistent/ca.crt",
      }),
    ).toThrow(/REDIS_TLS_CA_FILE=\/nonexistent\/ca.crt cannot be read/);
  });

  it("presents a client certificate to a server that requires one (mutual TLS)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-triage-redis-mtls-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = createServingCertificate("redis-server");
    const client = createServingCertificate("k8s-triage-client", { clientAuth: true });
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    };
    const port = await freePort();
    const redis = await spawnRedis({
      port,
      args: [
        "--port",
        "0",
        "--tls-port",
        String(port),
        "--tls-cert-file",
        file("server.crt", server.cert),
        "--tls-key-file",
        file("server.key", server.key),
        // The server trusts the client's (self-signed) certificate.
        "--tls-ca-cert-file",
        file("clients.crt", client.cert),
        "--tls-auth-clients",
        "yes",
      ],
    });
    cleanup.push(() => redis.stop());
    const base = { REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_TLS_CA_FILE: file("ca.crt", server.cert) };
    const mutual = redisSettingsFromEnv({
      ...base,
      REDIS_TLS_CERT_FILE: file("client.crt", client.cert),
      REDIS_TLS_KEY_FILE: file("client.key", client.key),
    });
    if (!mutual) throw new Error("no settings");
    const withCert = createProducerConnection(mutual, "mtls");
    cleanup.push(async () => withCert.disconnect());
    await waitReady(withCert, 5000);
    expect(await withCert.set("mtls-probe", "1")).toBe("OK");
    // Without the client certificate the server hangs up during the handshake.
    const withoutCert = createProducerConnection(
      redisSettingsFromEnv(base) as typeof mutual,
      "no-client-cert",
    );
    cleanup.push(async () => withoutCert.disconnect());
    await expect(waitReady(withoutCert, 3000)).rejects.toThrow(/did not become ready/);
  });
});
