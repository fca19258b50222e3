import { describe, expect, it } from "vitest";
import { toolCallLabel } from "../../../src/agent/tools/labels.js";

describe("evidence source labels", () => {
  it("names the tool call in words, never by its toolu_ id", () => {
    expect(toolCallLabel("pod_logs", { pod: "api-7d9-x2x7q", container: "app", previous: true })).toBe(
      "logs of pod api-7d9-x2x7q, previous container app",
    );
    expect(toolCallLabel("pod_logs", { pod: "api-7d9-x2x7q" })).toBe(
      "logs of pod api-7d9-x2x7q, its container",
    );
    expect(toolCallLabel("get_events", { kind: "Pod", name: "db-0", namespace: "shop" })).toBe(
      "events of Pod db-0",
    );
    expect(toolCallLabel("describe", { kind: "Deployment", name: "web" })).toBe("describe Deployment web");
    expect(toolCallLabel("readyz", {})).toBe("the API server's /readyz");
    expect(toolCallLabel("resource_usage", { namespace: "prod-api" })).toBe(
      "metrics-server usage in prod-api",
    );
    expect(toolCallLabel("something_new", null)).toBe("the something_new lookup");
  });
});
