import { describe, expect, it } from "vitest";
import { type AgentHeartbeat, decideRoute, routeProblem } from "../../../src/cluster/index.js";

const NOW = new Date("2026-03-01T12:00:00Z");

function agent(cluster: string, extra: Partial<AgentHeartbeat> = {}): AgentHeartbeat {
  return {
    id: `${cluster}-host:1:abcd`,
    cluster,
    version: "0.1.0",
    roles: ["investigations", "remediations", "follow-ups"],
    namespaces: ["prod-api"],
    host: `${cluster}-host`,
    pid: 1,
    startedAt: "2026-03-01T11:00:00Z",
    lastSeen: "2026-03-01T11:59:50Z",
    ...extra,
  };
}

const views = [
  { cluster: "eu-1", agents: [agent("eu-1", { namespaces: ["prod-api", "a-team"] })] },
  { cluster: "us-1", agents: [agent("us-1")] },
];
const options = { offlineSeconds: 60, now: NOW };

describe("decideRoute", () => {
  it("takes the named cluster, the channel's default, or the one cluster that lists the namespace", () => {
    expect(decideRoute({ namespace: "prod-api", cluster: "us-1" }, views, options)).toEqual({
      ok: true,
      cluster: "us-1",
    });
    expect(decideRoute({ namespace: "prod-api", channelDefault: "eu-1" }, views, options)).toEqual({
      ok: true,
      cluster: "eu-1",
    });
    expect(decideRoute({ namespace: "a-team" }, views, options)).toEqual({ ok: true, cluster: "eu-1" });
  });

  it("asks when several clusters list the namespace, and says when none does", () => {
    const ambiguous = decideRoute({ namespace: "prod-api" }, views, options);
    expect(ambiguous).toEqual({
      ok: false,
      reason: "ambiguous",
      namespace: "prod-api",
      clusters: ["eu-1", "us-1"],
    });
    expect(routeProblem(ambiguous as Exclude<typeof ambiguous, { ok: true }>)).toContain(
      "`/triage prod-api --cluster eu-1` or `/triage prod-api --cluster us-1`",
    );
    expect(decideRoute({ namespace: "billing" }, views, options)).toMatchObject({
      ok: false,
      reason: "namespace-nowhere",
    });
  });

  it("falls back to a cluster whose agents cannot list namespaces only when none listed it", () => {
    const blind = [...views, { cluster: "ap-1", agents: [agent("ap-1", { namespaces: undefined })] }];
    expect(decideRoute({ namespace: "billing" }, blind, options)).toEqual({ ok: true, cluster: "ap-1" });
    expect(decideRoute({ namespace: "a-team" }, blind, options)).toEqual({ ok: true, cluster: "eu-1" });
  });

  it("refuses an unknown cluster with the known ones, including a channel default nobody runs", () => {
    const unknown = decideRoute({ namespace: "prod-api", cluster: "ap-9" }, views, options);
    expect(unknown).toEqual({
      ok: false,
      reason: "unknown-cluster",
      cluster: "ap-9",
      known: ["eu-1", "us-1"],
    });
    expect(routeProblem(unknown as Exclude<typeof unknown, { ok: true }>)).toBe(
      "Unknown cluster ap-9. Known clusters: eu-1, us-1. Nothing was started.",
    );
    expect(decideRoute({ namespace: "prod-api", channelDefault: "ap-9" }, views, options)).toMatchObject({
      reason: "unknown-cluster",
      fromChannel: true,
    });
  });

  it("refuses a cluster whose agents stopped beating, naming since when; a stopped agent is offline at once", () => {
    const late = [{ cluster: "eu-1", agents: [agent("eu-1", { lastSeen: "2026-03-01T11:58:00Z" })] }];
    const decision = decideRoute({ namespace: "prod-api" }, late, options);
    expect(decision).toEqual({
      ok: false,
      reason: "offline",
      cluster: "eu-1",
      since: "2026-03-01T11:58:00Z",
    });
    expect(routeProblem(decision as Exclude<typeof decision, { ok: true }>)).toContain(
      "Cluster eu-1's agent is offline since 2026-03-01T11:58:00Z",
    );
    const stopped = [{ cluster: "eu-1", agents: [agent("eu-1", { stopped: true })] }];
    expect(decideRoute({ namespace: "prod-api" }, stopped, options)).toMatchObject({ reason: "offline" });
  });

  it("needs an online agent with the role the work needs", () => {
    const watcherOnly = [{ cluster: "eu-1", agents: [agent("eu-1", { roles: ["watcher"] })] }];
    expect(decideRoute({ namespace: "prod-api" }, watcherOnly, options)).toEqual({
      ok: false,
      reason: "no-agent",
      cluster: "eu-1",
    });
    expect(decideRoute({ namespace: "prod-api", needs: "watcher" }, watcherOnly, options)).toEqual({
      ok: true,
      cluster: "eu-1",
    });
  });

  it("accepts the install's own cluster with no registered agent (an all-in-one install)", () => {
    expect(decideRoute({ namespace: "x" }, [{ cluster: "default", agents: [] }], options)).toEqual({
      ok: true,
      cluster: "default",
    });
    expect(
      decideRoute({ namespace: "x" }, [{ cluster: "prod-eu", agents: [] }], {
        ...options,
        ownCluster: "prod-eu",
      }),
    ).toEqual({ ok: true, cluster: "prod-eu" });
    expect(decideRoute({ namespace: "x" }, [{ cluster: "eu-1", agents: [] }], options)).toMatchObject({
      reason: "no-agent",
    });
  });
});
