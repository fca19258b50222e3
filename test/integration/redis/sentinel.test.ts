import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aclFileLine, centralAclRules } from "../../../src/queue/acl.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { redisSettingsFromEnv } from "../../../src/queue/redis-settings.js";
import { createServingCertificate } from "../../../src/sim/tls.js";
import { jobFinished, startHarness } from "../../support/queue-harness.js";
import { scriptedRca, trigger, uniquePrefix, waitFor } from "../../support/queue-helpers.js";
import { redisCli, startSentinelGroup } from "../../support/redis-topology.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

describe("Redis behind Sentinel", () => {
  it("runs the pipeline through the Sentinel's master and follows a failover to the replica", async () => {
    const group = await startSentinelGroup();
    cleanup.push(() => group.stop());
    const settings = redisSettingsFromEnv({
      REDIS_SENTINELS: `127.0.0.1:${group.sentinel.port}`,
      REDIS_SENTINEL_MASTER: group.masterName,
    });
    if (!settings) throw new Error("no settings");
    const h = await startHarness(settings, { analyze: async ({ triage }) => scriptedRca(triage) });
    cleanup.push(() => h.close(1000));
    h.redis.on("error", () => undefined);
    h.workers.redis.on("error", () => undefined);

    const first = await h.producer.submitTrigger(trigger("shop"));
    await jobFinished(h, first.investigation.id);
    expect((await h.producer.store.require(first.investigation.id)).status).toBe("completed");
    // The data went to the master the Sentinel named, and reached the replica.
    expect(redisCli(group.master.port, "exists", `${h.prefix}:inv:${first.investigation.id}`)).toBe("1");
    await waitFor(
      () => redisCli(group.replica.port, "exists", `${h.prefix}:inv:${first.investigation.id}`) === "1",
      "the record to reach the replica",
    );

    // The master dies; the Sentinel promotes the replica, and every connection follows it.
    await group.master.kill();
    await waitFor(() => /\+switch-master/.test(group.sentinel.output()), "the Sentinel's failover", 30_000);
    expect(redisCli(group.sentinel.port, "sentinel", "get-master-addr-by-name", group.masterName)).toContain(
      String(group.replica.port),
    );
    await waitFor(() => h.redis.status === "ready", "the producer connection to reconnect", 30_000);

    const second = await waitFor(
      () => h.producer.submitTrigger(trigger("billing")).catch(() => undefined),
      "a submission after the failover",
      30_000,
    );
    await jobFinished(h, second.investigation.id);
    expect((await h.producer.store.require(second.investigation.id)).status).toBe("completed");
    // Both investigations are on the promoted replica, the one before the failover included.
    expect(redisCli(group.replica.port, "role").split("\n")[0]).toBe("master");
    expect(redisCli(group.replica.port, "exists", `${h.prefix}:inv:${second.investigation.id}`)).toBe("1");
    expect((await h.producer.store.require(first.investigation.id)).status).toBe("completed");

    // A fresh connection asks the Sentinel and lands on the new master.
    const fresh = createProducerConnection(settings, "after-failover");
    cleanup.push(async () => fresh.disconnect());
    await waitReady(fresh, 10_000);
    expect(await fresh.exists(`${h.prefix}:inv:${second.investigation.id}`)).toBe(1);
  });

  it("logs in to password-protected Sentinels and to the master as an ACL user", async () => {
    const base = uniquePrefix("sentinel-acl");
    const central = centralAclRules({ user: "central", base, password: "central-pw" });
    const group = await startSentinelGroup({
      dataConfig: [
        "user default off",
        "user admin on >admin-pw ~* &* +@all",
        aclFileLine("central", central),
      ],
      replicaConfig: ["masteruser admin", "masterauth admin-pw"],
      sentinelConfig: (name) => [
        `sentinel auth-user ${name} admin`,
        `sentinel auth-pass ${name} admin-pw`,
        "requirepass sentinel-pw",
      ],
    });
    cleanup.push(() => group.stop());
    const env = {
      REDIS_SENTINELS: `127.0.0.1:${group.sentinel.port}`,
      REDIS_SENTINEL_MASTER: group.masterName,
      REDIS_SENTINEL_PASSWORD: "sentinel-pw",
      REDIS_USERNAME: "central",
      REDIS_PASSWORD: "central-pw",
    };
    const settings = redisSettingsFromEnv(env);
    if (!settings) throw new Error("no settings");
    const h = await startHarness(settings, {}, { prefix: base });
    cleanup.push(() => h.close(1000));
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await jobFinished(h, investigation.id);
    expect((await h.producer.store.require(investigation.id)).status).toBe("completed");
    expect(await h.redis.call("ACL", "WHOAMI")).toBe("central");

    // Without the Sentinels' password, or with a wrong user password, nothing connects — and says why.
    const { REDIS_SENTINEL_PASSWORD: _, ...noSentinelPassword } = env;
    const locked = createProducerConnection(
      redisSettingsFromEnv(noSentinelPassword) as typeof settings,
      "no-pw",
    );
    cleanup.push(async () => locked.disconnect());
    await expect(waitReady(locked, 3000)).rejects.toThrow(/NOAUTH|WRONGPASS|sentinel/i);
    const wrong = createProducerConnection({ ...settings, password: "wrong" }, "wrong-pw");
    cleanup.push(async () => wrong.disconnect());
    await expect(waitReady(wrong, 3000)).rejects.toThrow(/WRONGPASS/);
  });

  it("speaks TLS to the Sentinels and to the master they name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-triage-sentinel-tls-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    // One certificate for every node: it is its own CA and names 127.0.0.1.
    const certificate = createServingCertificate("redis-sentinel-test", { clientAuth: true });
    const cert = join(dir, "redis.crt");
    const key = join(dir, "redis.key");
    writeFileSync(cert, certificate.cert);
    writeFileSync(key, certificate.key, { mode: 0o600 });
    const group = await startSentinelGroup({ tls: { cert, key, ca: cert } });
    cleanup.push(() => group.stop());
    const env = {
      REDIS_SENTINELS: `127.0.0.1:${group.sentinel.port}`,
      REDIS_SENTINEL_MASTER: group.masterName,
      REDIS_TLS_CA_FILE: cert,
    };
    const settings = redisSettingsFromEnv(env);
    expect(settings?.tls?.ca).toBeDefined();
    if (!settings) throw new Error("no settings");
    const h = await startHarness(settings, {});
    cleanup.push(() => h.close(1000));
    const { investigation } = await h.producer.submitTrigger(trigger("shop"));
    await jobFinished(h, investigation.id);
    expect((await h.producer.store.require(investigation.id)).status).toBe("completed");

    // The same Sentinels in plain text do not answer.
    const { REDIS_TLS_CA_FILE: _, ...plain } = env;
    const clear = createProducerConnection(redisSettingsFromEnv(plain) as typeof settings, "sentinel-plain");
    cleanup.push(async () => clear.disconnect());
    await expect(waitReady(clear, 3000)).rejects.toThrow(/did not become ready/);
  });
});
