import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { KnownSecrets } from "../../../src/k8s/known-secrets.js";

const pod = (env: { name: string; value: string }[]): KubeObject =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "api-1", namespace: "billing" },
    spec: { containers: [{ name: "api", image: "api:1", env }] },
  }) as unknown as KubeObject;

describe("KnownSecrets", () => {
  it("scrubs a pod's secret env values from a log that echoes them, and leaves ordinary config alone", () => {
    const secrets = new KnownSecrets();
    secrets.learn(
      pod([
        { name: "DB_PASSWORD", value: "Hunter2-Planted-77" },
        { name: "LOG_LEVEL", value: "info" },
        { name: "LEDGER_URL", value: "http://ledger:8080" },
      ]),
    );
    const log = "connecting to http://ledger:8080 as billing (password Hunter2-Planted-77), log level info";
    expect(secrets.scrub(log, "[REDACTED]")).toBe(
      "connecting to http://ledger:8080 as billing (password [REDACTED]), log level info",
    );
  });

  it("knows nothing until it has seen a pod", () => {
    expect(new KnownSecrets().scrub("password Hunter2-Planted-77", "[REDACTED]")).toBe(
      "password Hunter2-Planted-77",
    );
  });
});
