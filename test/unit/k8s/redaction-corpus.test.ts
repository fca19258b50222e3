import { describe, expect, it } from "vitest";
import { scrubText, scrubTokens, scrubValue } from "../../../src/agent/scrub.js";
import { SecretRegistry } from "../../../src/agent/secrets.js";
import { REDACTED, redactText } from "../../../src/k8s/redact.js";

/** Object and container names seen in real clusters that contain a "secret" word. */
const NAMES = [
  "auth-service",
  "oauth2-proxy",
  "token-exchange",
  "secret-store-csi",
  "secrets-store-csi-driver",
  "keycloak",
  "vault-agent-injector",
  "passwordless-login",
  "api-key-rotator",
  "credential-provider",
  "session-manager",
  "cookie-consent",
  "authz-policy-engine",
  "external-secrets-webhook",
  "sealed-secrets-controller",
  "token-refresher",
  "password-reset-worker",
  "dex-auth",
  "authelia",
  "kube-oidc-proxy",
];

/** Realistic lines in which those names appear (logs, events, model summaries, YAML). */
function sentences(name: string): string[] {
  return [
    `${name}: connection refused`,
    `${name}: upstream connect error or disconnect/reset before headers`,
    `Back-off restarting failed container ${name} in pod ${name}-5f7b9c8d4-abcde`,
    `Deployment prod-api/${name} has 0/3 ready replicas`,
    `no healthy upstream for ${name} (host: ${name}.prod-api.svc.cluster.local:8080)`,
    `upstream=${name} status=503 duration=30.001s`,
    `dial tcp: lookup ${name}.prod-api.svc on 10.96.0.10:53: no such host`,
    `containers:\n- name: ${name}\n  image: ghcr.io/acme/${name}:v1.4.2`,
    `service: ${name}`,
    `[crash-loop:Deployment/prod-api/${name}] ${name} exits with code 1`,
  ];
}

/** Ordinary diagnostics that mention secret words without holding a secret. */
const ORDINARY = [
  'FATAL: password authentication failed for user "app"',
  "the token is expired; the client must log in again",
  "password: missing in the environment",
  'Error: secret "db-credentials" not found',
  "secretName: db-credentials",
  "Basic authentication failed for user bob",
  "couldn't find key DB_PASSWORD in Secret prod-api/db-credentials",
  "oauth2-proxy: authenticated via OIDC provider keycloak",
  "auth=enabled sessionAffinity: ClientIP",
];

describe("redaction keeps names and ordinary words (no false positives)", () => {
  const corpus = [...NAMES.flatMap(sentences), ...ORDINARY];
  it.each(corpus.map((line) => [line]))("%s comes through unchanged", (line) => {
    expect(redactText(line)).toBe(line);
    expect(scrubText(line)).toBe(line);
    expect(scrubTokens(line)).toBe(line);
    // As the model's RCA is scrubbed before it is stored and posted.
    expect(scrubValue({ summary: line, rootCauses: [{ name: line, evidence: [{ quote: line }] }] })).toEqual({
      summary: line,
      rootCauses: [{ name: line, evidence: [{ quote: line }] }],
    });
  });

  it("a registry that harvested these workloads never hides their names", () => {
    const registry = new SecretRegistry();
    for (const name of NAMES) {
      registry.harvest({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "prod-api" },
        spec: {
          template: {
            spec: {
              containers: [{ name, env: [{ name: "SERVICE_TOKEN", value: `${name}-Zq81vB7x0LkP2mN4` }] }],
            },
          },
        },
      });
    }
    for (const name of NAMES) {
      const line = sentences(name).join("\n");
      expect(registry.scrub(line)).toBe(line);
      expect(registry.scrub(`token ${name}-Zq81vB7x0LkP2mN4 used`)).toBe(`token ${REDACTED} used`);
    }
  });
});

describe("redaction hides secrets in every shape it must", () => {
  const planted: [string, string, string][] = [
    [
      "Slack incoming webhook",
      "posting to https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefGHIJKL1234mnopQRST failed",
      "abcdefGHIJKL1234mnopQRST",
    ],
    [
      "Slack workflow webhook",
      "url=https://hooks.slack.com/workflows/T01/A02/123/xYz987abcDEF",
      "xYz987abcDEF",
    ],
    ["Discord webhook", "https://discord.com/api/webhooks/123456789/AbCdEf-GhIjKl_123", "AbCdEf-GhIjKl_123"],
    ["basic-auth URL", "GET https://deploy:Pa55w0rd!@registry.acme.io/v2/ 401", "Pa55w0rd!"],
    ["basic-auth URL without user", "redis://:Sup3rS3cret@redis-master:6379/0", "Sup3rS3cret"],
    [
      "RSA private key",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----",
      "MIIEpAIBAAKCAQEA7bq",
    ],
    [
      "OpenSSH private key",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
      "b3BlbnNzaC1rZXktdjEAAAAA",
    ],
    [
      "PGP key block",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBGXyz123\n-----END PGP PRIVATE KEY BLOCK-----",
      "lQOYBGXyz123",
    ],
    ["PEM cut off by a log tail", "loading key -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBx9", "MHcCAQEEIBx9"],
    ["AWS access key id", "using AKIAIOSFODNN7EXAMPLE for s3", "AKIAIOSFODNN7EXAMPLE"],
    [
      "AWS secret access key pair",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    [
      "GCP service-account key id",
      '{"type": "service_account", "private_key_id": "1f2e3d4c5b6a79880f1e2d3c4b5a69788f0e1d2c"}',
      "1f2e3d4c5b6a79880f1e2d3c4b5a69788f0e1d2c",
    ],
    [
      "GCP service-account private key (escaped newlines)",
      '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"',
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    ],
    [
      "Google OAuth access token",
      "Authorization header ya29.a0AfH6SMBx1234567890abcdefghij",
      "ya29.a0AfH6SMBx1234567890abcdefghij",
    ],
    [
      "Google OAuth client secret",
      "client GOCSPX-1a2B3c4D5e6F7g8H9i0J1k2L3m",
      "GOCSPX-1a2B3c4D5e6F7g8H9i0J1k2L3m",
    ],
    [
      "Azure storage connection string",
      "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net",
      "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
    ],
    [
      "SAS signature",
      "GET https://acme.blob.core.windows.net/c/x?sv=2022&sig=AbC%2Fdef123XYZ",
      "AbC%2Fdef123XYZ",
    ],
    ["password is X", "the admin password is hunter2 for now", "hunter2"],
    ["passwd: X", "mysql passwd: Tr0ub4dor&3", "Tr0ub4dor&3"],
    ["secret = X", "webhook secret = 8c1f0e2d9b7a", "8c1f0e2d9b7a"],
    ["token was X", "the token was 'q8ZrT1mV4xLp'", "q8ZrT1mV4xLp"],
    ["api key is X", "our api key is 5f2b9c1e7d3a", "5f2b9c1e7d3a"],
    ["DB_PASSWORD=X", "DB_PASSWORD=hunter2 host=db", "hunter2"],
    ["REDIS_PASS=X", "REDIS_PASS=s3cr3tv4lue", "s3cr3tv4lue"],
    ["x-auth-token header", "x-auth-token: 9f8e7d6c5b4a", "9f8e7d6c5b4a"],
  ];
  it.each(planted)("%s", (_name, text, secret) => {
    for (const scrub of [redactText, scrubText]) {
      const out = scrub(text);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
      expect(scrub(out)).toBe(out);
    }
  });

  it("keeps the part of a URL that says where it points", () => {
    expect(redactText("https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefGHIJKL1234mnopQRST")).toBe(
      `https://hooks.slack.com/${REDACTED}`,
    );
    expect(redactText("https://deploy:Pa55w0rd@registry.acme.io/v2/")).toBe(
      `https://deploy:${REDACTED}@registry.acme.io/v2/`,
    );
  });
});
