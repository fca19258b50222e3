import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/domain/kube.js";
import { isSecretEnv, LAST_APPLIED, REDACTED, redactObject, redactText } from "../../../src/k8s/redact.js";

describe("redactText", () => {
  const shapes: [string, string][] = [
    ["openai/anthropic key", "sk-ant-api03-abcdefghijklmnopqrstuvwx"],
    ["slack bot token", "xoxb-1234567890-abcdefghijkl"],
    ["slack user token", "xoxp-1234567890-abcdefghijkl"],
    ["slack app token", "xapp-1-A0123-456789-abcdef"],
    ["github classic token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
    ["github fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop"],
    ["aws access key id", "AKIAIOSFODNN7EXAMPLE"],
    ["aws sts key id", "ASIAIOSFODNN7EXAMPLE"],
    ["jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ];
  for (const [name, token] of shapes) {
    it(`hides a ${name} inside a sentence`, () => {
      const out = redactText(`connecting with ${token} now`);
      expect(out).not.toContain(token);
      expect(out).toBe(`connecting with ${REDACTED} now`);
    });
  }

  it("hides a PEM private key block, including one cut off by a log tail", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----";
    expect(redactText(`key:\n${pem}\ndone`)).toBe(`key:\n${REDACTED}\ndone`);
    expect(redactText("-----BEGIN PRIVATE KEY-----\nMIIEow...")).toBe(REDACTED);
  });

  it("keeps the user of a URL with credentials and hides the password", () => {
    expect(redactText("dial postgres://app:s3cr3t@db.prod:5432/orders failed")).toBe(
      `dial postgres://app:${REDACTED}@db.prod:5432/orders failed`,
    );
  });

  it("hides Bearer and Basic credentials but keeps the scheme word", () => {
    expect(redactText("Authorization: Bearer abc.def-ghi_jkl")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText("Basic dXNlcjpwYXNzd29yZA==")).toBe(`Basic ${REDACTED}`);
  });

  it("hides values of secret key=value and key: value pairs", () => {
    expect(redactText("DB_PASSWORD=hunter2 host=db")).toBe(`DB_PASSWORD=${REDACTED} host=db`);
    expect(redactText("token: abc123, user: bob")).toBe(`token: ${REDACTED}, user: bob`);
    expect(redactText('{"apiKey":"abc123"}')).toBe(`{"apiKey":"${REDACTED}"}`);
    expect(redactText("client_secret = 'xyz'")).toBe(`client_secret = '${REDACTED}'`);
  });

  it("leaves ordinary Kubernetes messages alone, registry hosts and secret names included", () => {
    const messages = [
      'Failed to pull image "company-registry.io/payment:v2.3.1": dial tcp: lookup company-registry.io on 10.96.0.10:53: no such host',
      'Error: secret "db-credentials" not found',
      "couldn't find key DB_PASSWORD in Secret prod-api/db-credentials",
      "Back-off restarting failed container api-gateway in pod api-gateway-7d9f",
      'FATAL: password authentication failed for user "app"',
      '0/3 nodes are available: persistentvolumeclaim "postgres-pvc" not found',
    ];
    for (const message of messages) expect(redactText(message)).toBe(message);
  });
});

describe("isSecretEnv", () => {
  it("hides by name", () => {
    for (const name of [
      "DB_PASSWORD",
      "API_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "DATABASE_URL",
      "SENTRY_DSN",
      "AUTH_HEADER",
      "REDIS_CONN",
    ]) {
      expect(isSecretEnv(name, "plain")).toBe(true);
    }
  });
  it("hides by value shape under a harmless name", () => {
    expect(isSecretEnv("GREETING", "xoxb-1234567890-abcdefghijkl")).toBe(true);
  });
  it("keeps harmless values", () => {
    expect(isSecretEnv("LOG_LEVEL", "debug")).toBe(false);
    expect(isSecretEnv("PORT", "8080")).toBe(false);
  });
});

describe("redactObject", () => {
  const container = (name: string) => ({
    name,
    image: "busybox",
    env: [
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", value: "hunter2" },
      { name: "GREETING", value: "ghp_abcdefghijklmnopqrstuvwxyz0123456789" },
      { name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } } },
    ],
    args: ["--db=postgres://app:pw@db:5432/x", "--verbose"],
  });

  it("redacts env values in every container of a Pod and leaves the input untouched", () => {
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "p",
        namespace: "ns",
        annotations: { [LAST_APPLIED]: '{"env":"hunter2"}', team: "a" },
      },
      spec: { containers: [container("app")], initContainers: [container("init")] },
      status: {
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 1,
            state: { terminated: { exitCode: 1, message: "password=hunter2" } },
          },
        ],
      },
    };
    const out = redactObject(pod);
    const text = JSON.stringify(out);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("ghp_");
    expect(text).toContain('"LOG_LEVEL","value":"info"');
    expect(text).toContain("db-credentials");
    expect(text).toContain(`postgres://app:${REDACTED}@db:5432/x`);
    expect(out.metadata.annotations).toEqual({ team: "a" });
    expect(JSON.stringify(pod)).toContain("hunter2");
  });

  it("redacts the pod templates of workloads and CronJobs", () => {
    const deployment: KubeObject = {
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { template: { spec: { containers: [container("app")] } } },
    };
    const cronJob: KubeObject = {
      kind: "CronJob",
      metadata: { name: "c" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [container("job")] } } } } },
    };
    expect(JSON.stringify(redactObject(deployment))).not.toContain("hunter2");
    expect(JSON.stringify(redactObject(cronJob))).not.toContain("hunter2");
  });

  it("drops ConfigMap data values but keeps the keys", () => {
    const configMap: KubeObject = {
      kind: "ConfigMap",
      metadata: { name: "cm" },
      data: { "app.properties": "password=x", LOG_LEVEL: "info" },
      binaryData: { blob: "AAAA" },
    };
    const out = redactObject(configMap);
    expect(out.data).toEqual({ "app.properties": REDACTED, LOG_LEVEL: REDACTED });
    expect(out.binaryData).toEqual({ blob: REDACTED });
  });

  it("keeps only the metadata of a Secret", () => {
    const secret: KubeObject = {
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { password: "aHVudGVyMg==" },
      stringData: { password: "hunter2" },
    };
    const out = redactObject(secret);
    expect(out.data).toBeUndefined();
    expect(out.stringData).toBeUndefined();
    expect(out.metadata.name).toBe("s");
  });

  it("scrubs event messages and drops the last-applied annotation everywhere", () => {
    const event: KubeObject = {
      kind: "Event",
      metadata: { name: "e", annotations: { [LAST_APPLIED]: "{}" } },
      message: "probe failed: Authorization: Bearer abcdefghijkl",
    };
    const out = redactObject(event);
    expect(out.message).toBe(`probe failed: Authorization: Bearer ${REDACTED}`);
    expect(out.metadata.annotations).toEqual({});
  });
});
