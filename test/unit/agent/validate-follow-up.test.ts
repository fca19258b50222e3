import { afterEach, describe, expect, it } from "vitest";
import { answerFollowUp, rcaFromTriage, validateWithModel } from "../../../src/agent/index.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import {
  type FakeAnthropic,
  resultText,
  startFakeAnthropic,
  toolResultsOf,
} from "../../../src/dev/fake-anthropic.js";
import { logs, NS, objects, triage, trigger } from "./helpers/fixtures.js";
import { MemoryReader } from "./helpers/memory-reader.js";

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const config = (url: string) => ({ apiKey: "k", baseURL: url, model: "claude-sonnet-5-5", maxRetries: 0 });
const rca = () => rcaFromTriage(triage(), "test");

describe("validateWithModel", () => {
  it("checks the plan with tools and returns the model's verdict with evidence", async () => {
    fake = await startFakeAnthropic({
      script: [
        { kind: "tool_use", calls: [{ name: "list_resources", input: { kind: "Deployment" }, id: "v1" }] },
        {
          kind: "final",
          name: "submit_validation",
          input: {
            verdict: "not-resolved",
            summary: "api still has no ready replicas",
            criteria: [
              { criterion: "api 3/3 ready", met: false, evidence: { quote: "api  0/3", source: "v1" } },
            ],
          },
        },
      ],
    });
    const outcome = await validateWithModel({
      reader: new MemoryReader(objects(), logs()),
      rca: rca(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: config(fake.url),
    });
    expect(outcome.source).toBe("model");
    expect(outcome.verdict).toBe("not-resolved");
    expect(outcome.evidence.join("\n")).toContain("NOT met: api 3/3 ready");
    expect(fake.requests[0]!.raw).toContain("validation plan");
    expect(fake.requests[0]!.body.tools?.map((t) => t.name)).not.toContain("dry_run_action");
    expect(resultText(toolResultsOf(fake.requests[1]!)[0]!)).toContain("0/3");
  });

  it("falls back to a readiness check of the RCA's workloads without a model", async () => {
    const outcome = await validateWithModel({
      reader: new MemoryReader(objects()),
      rca: rca(),
      trigger: trigger(),
      policy: defaultPolicy(),
      config: { apiKey: undefined },
    });
    expect(outcome.source).toBe("deterministic");
    expect(outcome.verdict).toBe("not-resolved");
    expect(outcome.evidence).toContain(`Deployment ${NS}/api: 0/3 ready`);
  });
});

describe("answerFollowUp", () => {
  it("answers with the thread's context and cites evidence", async () => {
    fake = await startFakeAnthropic({
      script: [
        {
          kind: "tool_use",
          calls: [{ name: "pod_logs", input: { pod: "api-7d9f-1", previous: true }, id: "q1" }],
        },
        {
          kind: "final",
          name: "submit_answer",
          input: { answer: "It is the database connection.", evidence: [{ quote: "FATAL", source: "q1" }] },
        },
      ],
    });
    const answer = await answerFollowUp({
      reader: new MemoryReader(objects(), logs()),
      rca: rca(),
      trigger: trigger(),
      policy: defaultPolicy(),
      question: "why did the previous container die?",
      history: [{ question: "is it the image?", answer: "no, the image did not change" }],
      config: config(fake.url),
    });
    expect(answer.source).toBe("model");
    expect(answer.answer).toContain("database");
    expect(answer.evidence[0]?.source).toBe("q1");
    const first = fake.requests[0]!.raw;
    expect(first).toContain("is it the image?");
    expect(first).toContain("why did the previous container die?");
    expect(first).toContain("question");
  });

  it("falls back to the stored RCA when the model is unavailable", async () => {
    fake = await startFakeAnthropic({ script: [{ kind: "error", status: 500 }] });
    const answer = await answerFollowUp({
      reader: new MemoryReader(objects()),
      rca: rca(),
      trigger: trigger(),
      policy: defaultPolicy(),
      question: "what now?",
      config: config(fake.url),
    });
    expect(answer.source).toBe("deterministic");
    expect(answer.fallbackReason).toMatch(/HTTP 500/);
    expect(answer.answer).toContain(triage().headline);
  });
});
