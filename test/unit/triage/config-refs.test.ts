import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { app, event, snapshot } from "../../fixtures/triage/builders.js";
import { evidenceHas, onlyCause } from "./helpers.js";

const usesSecret = {
  env: [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "db-credentials", key: "url" } } }],
};

describe("missing-secret", () => {
  it("is found from the kubelet's message, with a placeholder command and no invented value", () => {
    const users = app("user-service", {
      namespace: "prod-api",
      state: { waiting: "CreateContainerConfigError", message: 'secret "db-credentials" not found' },
      container: usesSecret,
    });
    const { cause, result } = onlyCause(snapshot("prod-api", users.part), "missing-secret");
    expect(cause.summary).toContain("db-credentials");
    expect(evidenceHas(cause, 'secret "db-credentials" not found')).toBe(true);
    expect(cause.commands).toContain(
      "kubectl create secret generic db-credentials -n prod-api --from-literal=url=<URL>",
    );
    expect(cause.confidence).toBe(0.95);
    expect(result.remediations).toEqual([]);
    // Nothing that looks like a value: every literal is a <PLACEHOLDER>.
    for (const command of cause.commands) {
      for (const literal of command.matchAll(/--from-literal=[^=\s]+=(\S+)/g))
        expect(literal[1]).toMatch(/^<[A-Z0-9_]+>$|^<value>$/);
    }
  });

  it("a missing key in an existing Secret gets a merge patch that keeps the other keys", () => {
    const users = app("user-service", {
      namespace: "prod-api",
      state: {
        waiting: "CreateContainerConfigError",
        message: "couldn't find key url in Secret prod-api/db-credentials",
      },
      container: usesSecret,
    });
    const { cause } = onlyCause(snapshot("prod-api", users.part), "missing-secret");
    expect(cause.summary).toContain("has no key url");
    expect(cause.commands[0]).toBe(
      `kubectl -n prod-api patch secret db-credentials --type merge -p '{"stringData":{"url":"<URL>"}}'`,
    );
  });

  it("is found from FailedMount events of a secret volume", () => {
    const web = app("web", {
      state: { waiting: "ContainerCreating" },
      volumes: [{ name: "tls", secret: { secretName: "web-tls" } }],
    });
    const ev = event(
      web.pods[0]!,
      "FailedMount",
      'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found',
    );
    const { cause } = onlyCause(snapshot("default", web.part, { events: [ev] }), "missing-secret");
    expect(cause.summary).toContain("web-tls");
    expect(cause.commands[0]).toBe(
      "kubectl create secret generic web-tls -n default --from-literal=<key>=<value>",
    );
  });
});

describe("missing-configmap", () => {
  it("is found from the kubelet's message", () => {
    const web = app("web", {
      state: { waiting: "CreateContainerConfigError", message: 'configmap "web-config" not found' },
    });
    const { cause } = onlyCause(snapshot("default", web.part), "missing-configmap");
    expect(cause.summary).toContain("web-config");
    expect(cause.confidence).toBe(0.95);
  });

  it("is found from the spec of a pod that never started when the ConfigMap is not in the snapshot", () => {
    const web = app("web", {
      state: { waiting: "ContainerCreating" },
      volumes: [{ name: "conf", configMap: { name: "web-config" } }],
    });
    const { cause } = onlyCause(snapshot("default", web.part), "missing-configmap");
    expect(evidenceHas(cause, "mounts ConfigMap web-config, which does not exist")).toBe(true);
    expect(cause.confidence).toBe(0.8);
  });

  it("a ConfigMap that exists without the key an env var reads", () => {
    const web = app("web", {
      state: { waiting: "CreateContainerConfigError" },
      container: {
        env: [{ name: "MODE", valueFrom: { configMapKeyRef: { name: "web-config", key: "mode" } } }],
      },
    });
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "web-config", namespace: "default" },
      data: { other: "" },
    };
    const { cause } = onlyCause(snapshot("default", web.part, { configMaps: [cm] }), "missing-configmap");
    expect(cause.summary).toContain("has no key mode");
  });

  it("does not blame a ConfigMap missing from a state file when the pod's containers ran", () => {
    const web = app("web", {
      state: { running: true, ready: true },
      volumes: [{ name: "conf", configMap: { name: "web-config" } }],
    });
    expect(triage(snapshot("default", web.part)).rootCauses).toEqual([]);
  });
});
