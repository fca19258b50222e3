import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { investigateWithModel } from "../../../src/agent/index.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import {
  type FakeAnthropic,
  type RecordedRequest,
  resultText,
  startFakeAnthropic,
  toolResultsOf,
} from "../../../src/dev/fake-anthropic.js";
import { isMutating } from "../../../src/sim/index.js";
import { scenarioPath } from "../../../src/sim/scenarios/index.js";
import { type Incident, scenarioSecrets, startIncident } from "./harness.js";

const NS = "prod-api";
const STATE = readFileSync(scenarioPath("prod-api-outage"), "utf8");
let fake: FakeAnthropic | undefined;
let incident: Incident | undefined;
afterEach(async () => {
  await fake?.close();
  await incident?.close();
});

/** The name of the first pod of `app` in the pod table the model received. */
function podOf(request: RecordedRequest, app: string): string {
  const table = toolResultsOf(request).map(resultText).join("\n");
  const name = table
    .split("\n")
    .find((line) => line.startsWith(`${app}-`))
    ?.split(/\s+/)[0];
  if (!name) throw new Error(`no ${app} pod in ${table}`);
  return name;
}

describe("the prod-api-outage scenario through the model loop", () => {
  it("investigates read-only with the reader identity and never sends a secret", async () => {
    incident = await startIncident(STATE, NS, true);
    incident.sim.clearRequests();
    const secrets = scenarioSecrets(STATE);
    expect(secrets).toEqual(
      expect.arrayContaining(["sk-live-51HqK2xLkR9vT3mNpQ7wYzA4bC8dE6fG", "hunter2-prod"]),
    );
    fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [
            { name: "list_resources", input: { kind: "Pod" }, id: "pods" },
            { name: "get_events", input: { type: "Warning", limit: 60 }, id: "events" },
          ],
        },
        (request) => ({
          kind: "tool_use",
          calls: [
            {
              name: "get_resource",
              input: { kind: "Deployment", name: "notification-service" },
              id: "notify",
            },
            { name: "describe", input: { kind: "Deployment", name: "user-service" }, id: "users" },
            { name: "pod_logs", input: { pod: podOf(request, "notification-service") }, id: "notify-log" },
            {
              name: "pod_logs",
              input: { pod: podOf(request, "analytics-service"), previous: true },
              id: "oom-log",
            },
            { name: "rollout_history", input: { deployment: "payment-service" }, id: "history" },
          ],
        }),
        {
          kind: "tool_use",
          calls: [
            {
              name: "dry_run_action",
              input: {
                action: "set-resources",
                target: { kind: "Deployment", namespace: NS, name: "analytics-service" },
                params: { container: "analytics-service", limits: { memory: "256Mi" } },
              },
              id: "dry",
            },
          ],
        },
        {
          kind: "final",
          input: {
            summary: "Five independent failures in prod-api; payment-service's registry does not resolve.",
            severity: "P1",
            rootCauses: [
              {
                category: "image-pull",
                name: "payment-service registry does not resolve",
                summary: "company-registry.io has no DNS record",
                resource: { kind: "Deployment", namespace: NS, name: "payment-service" },
                affected: [],
                evidence: [{ quote: "company-registry.io", source: "events" }],
                confidence: 0.9,
              },
              {
                category: "missing-secret",
                name: "db-credentials missing",
                summary: "user-service references Secret db-credentials, which does not exist",
                resource: { kind: "Deployment", namespace: NS, name: "user-service" },
                affected: [],
                evidence: [{ quote: 'secret "db-credentials" not found', source: "users" }],
                confidence: 0.95,
              },
            ],
            confidence: 0.85,
            dangerousAssumption: "revision 1 of payment-service still pulls",
            remediations: [
              {
                action: "set-resources",
                target: { kind: "Deployment", namespace: NS, name: "analytics-service" },
                params: { container: "analytics-service", limits: { memory: "256Mi" } },
              },
            ],
            validationPlan: ["Deployment prod-api/payment-service reports 2/2 ready replicas"],
          },
        },
      ],
    });
    const report = await investigateWithModel({
      reader: incident.reader,
      triage: incident.triage,
      trigger: {
        source: "slash-command",
        namespace: NS,
        text: "/triage prod-api",
        receivedAt: "2026-01-15T14:30:00Z",
      },
      policy: defaultPolicy(),
      dryRun: incident.dryRun,
      config: { apiKey: "k", baseURL: fake.url, model: "claude-sonnet-5-5" },
    });

    expect(report.source, report.fallbackReason).toBe("model");
    expect(report.rootCauses.map((c) => c.category)).toEqual(["image-pull", "missing-secret"]);
    expect(report.proposals.map((p) => p.id).sort()).toEqual(
      incident.triage.remediations.map((p) => p.id).sort(),
    );
    const results = fake.requests.flatMap((request) => toolResultsOf(request));
    expect(results).toHaveLength(8);
    expect(results.filter((r) => r.is_error).map(resultText)).toEqual([]);
    const byId = Object.fromEntries(results.map((r) => [r.tool_use_id, resultText(r)]));
    expect(byId.users).toContain("db-credentials");
    expect(byId.notify).toContain("API_KEY");
    expect(byId.dry).toContain("accepted: set-resources:prod-api/analytics-service");

    const bodies = fake.requests.map((r) => r.raw).join("\n");
    for (const secret of secrets) expect(bodies, secret).not.toContain(secret);

    for (const request of incident.sim.requests.filter(isMutating)) {
      expect(request.dryRun).toBe(true);
      expect(request.identity).toBe(incident.sim.identities.executor.name);
    }
    const reads = incident.sim.requests.filter((r) => r.identity === incident!.sim.identities.reader.name);
    expect(reads.every((r) => ["get", "list", "watch"].includes(r.verb))).toBe(true);
  });
});
