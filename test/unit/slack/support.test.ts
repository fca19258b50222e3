import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { createLogger } from "../../../src/log.js";
import { archivesLink } from "../../../src/slack/links.js";
import { backoffMs, classifySlackError, slackDependencyError } from "../../../src/slack/retry.js";
import { createGroupResolver } from "../../../src/slack/usergroups.js";

const silent = createLogger({}, () => {}, "silent");

describe("classifySlackError", () => {
  it("reads Retry-After from rate-limit errors", () => {
    expect(classifySlackError({ code: "slack_webapi_rate_limited_error", retryAfter: 7 })).toMatchObject({
      kind: "rate-limited",
      retryAfterMs: 7000,
    });
  });

  it("separates transient platform errors from permanent ones", () => {
    const platform = (error: string) => ({ code: "slack_webapi_platform_error", data: { error } });
    expect(classifySlackError(platform("internal_error")).kind).toBe("transient");
    expect(classifySlackError(platform("invalid_blocks"))).toMatchObject({
      kind: "permanent",
      code: "invalid_blocks",
    });
    expect(classifySlackError({ code: "slack_webapi_http_error", statusCode: 503 }).kind).toBe("transient");
    expect(classifySlackError({ code: "slack_webapi_http_error", statusCode: 404 }).kind).toBe("permanent");
    expect(classifySlackError(new Error("ECONNREFUSED")).kind).toBe("transient");
  });

  it("turns failures into typed errors: permanent refusals and retryable outages", () => {
    const refused = slackDependencyError(
      "chat.postMessage",
      { kind: "permanent", code: "not_in_channel", detail: "x" },
      1,
      null,
    );
    expect(refused).toMatchObject({ code: "SLACK_NOT_IN_CHANNEL", permanent: true });
    const down = slackDependencyError("chat.postMessage", { kind: "transient", detail: "503" }, 5, null);
    expect(down).toMatchObject({ code: "SLACK_UNAVAILABLE", permanent: false });
    expect(down.message).toContain("after 5 attempts");
  });
});

describe("backoffMs", () => {
  it("doubles per attempt with jitter in the upper half, capped", () => {
    const policy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 3000, random: () => 0 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, policy))).toEqual([
      250, 500, 1000, 1500, 1500,
    ]);
    expect(backoffMs(2, { ...policy, random: () => 1 })).toBe(1000);
  });
});

describe("group resolver", () => {
  const policy = parsePolicy("approvers: [{namespaces: ['*'], groups: [S0SRE, S0DBA]}]");

  it("returns the policy groups a user belongs to, reading each group once per TTL", async () => {
    const calls: string[] = [];
    let now = 0;
    const members: Record<string, string[]> = { S0SRE: ["U1", "U2"], S0DBA: ["U2"] };
    const resolver = createGroupResolver({
      policy,
      logger: silent,
      ttlMs: 60_000,
      now: () => now,
      members: async (group) => {
        calls.push(group);
        return members[group] ?? [];
      },
    });
    expect(await resolver.groupsOf("U2")).toEqual(["S0SRE", "S0DBA"]);
    expect(await resolver.groupsOf("U1")).toEqual(["S0SRE"]);
    expect(calls).toEqual(["S0SRE", "S0DBA"]);
    now = 61_000;
    expect(await resolver.groupsOf("U3")).toEqual([]);
    expect(calls).toHaveLength(4);
  });

  it("fails closed when a group cannot be read, and retries it next time", async () => {
    let fail = true;
    const resolver = createGroupResolver({
      policy,
      logger: silent,
      members: async () => {
        if (fail) throw new Error("ratelimited");
        return ["U1"];
      },
    });
    expect(await resolver.groupsOf("U1")).toEqual([]);
    fail = false;
    expect(await resolver.groupsOf("U1")).toEqual(["S0SRE", "S0DBA"]);
  });
});

describe("archivesLink", () => {
  it("links a thread without an API call, and refuses malformed ids", () => {
    expect(archivesLink({ channel: "C0OPS", threadTs: "1763715600.000100" })).toBe(
      "https://slack.com/archives/C0OPS/p1763715600000100",
    );
    expect(archivesLink({ channel: "C0OPS" })).toBeUndefined();
    expect(archivesLink({ channel: "<evil>", threadTs: "1.2" })).toBeUndefined();
  });
});
