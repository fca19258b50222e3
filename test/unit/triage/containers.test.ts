import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import { app, crashLoop, event, log, service, snapshot } from "../../fixtures/triage/builders.js";
import { evidenceHas, expectValidProposals, onlyCause } from "./helpers.js";

describe("image-pull", () => {
  it("names the image, quotes the kubelet's pull error and diagnoses a DNS failure", () => {
    const web = app("web", {
      image: "company-registry.io/web:2.0",
      state: {
        waiting: "ErrImagePull",
        message: 'rpc error: code = Unknown desc = failed to pull image "company-registry.io/web:2.0"',
      },
    });
    const message =
      'Failed to pull image "company-registry.io/web:2.0": dial tcp: lookup company-registry.io on 10.96.0.10:53: no such host';
    const { cause } = onlyCause(
      snapshot("default", web.part, { events: [event(web.pods[0]!, "Failed", message, { count: 4 })] }),
      "image-pull",
    );
    expect(cause.resource).toEqual({ kind: "Deployment", namespace: "default", name: "web" });
    expect(cause.summary).toContain("company-registry.io/web:2.0");
    expect(cause.summary).toContain("does not resolve");
    expect(evidenceHas(cause, message)).toBe(true);
    expect(cause.confidence).toBe(0.95);
  });

  it("says when the tag does not exist", () => {
    const web = app("web", { state: { waiting: "ImagePullBackOff", message: "Back-off pulling image" } });
    const ev = event(web.pods[0]!, "Failed", 'Failed to pull image "x": manifest unknown: manifest unknown');
    const { cause } = onlyCause(snapshot("default", web.part, { events: [ev] }), "image-pull");
    expect(cause.summary).toContain("does not exist");
  });
});

describe("oom-killed", () => {
  it("is OOMKilled with its memory limit quoted", () => {
    const a = app("analytics", {
      state: crashLoop(137, "OOMKilled"),
      container: { resources: { limits: { memory: "128Mi" } } },
    });
    const { cause } = onlyCause(snapshot("default", a.part), "oom-killed");
    expect(cause.summary).toContain("128Mi");
    expect(evidenceHas(cause, "OOMKilled (exit code 137)")).toBe(true);
    expect(evidenceHas(cause, "limits.memory 128Mi")).toBe(true);
  });

  it("is not claimed for a pod that OOMed once long ago and has been ready since", () => {
    const a = app("analytics", {
      state: {
        running: true,
        ready: true,
        restarts: 1,
        last: { exitCode: 137, reason: "OOMKilled", finishedAt: "2026-11-18T00:00:00Z" },
      },
    });
    expect(triage(snapshot("default", a.part)).rootCauses).toEqual([]);
  });
});

describe("crash-loop", () => {
  it("exit 137 without OOMKilled is a crash loop killed by SIGKILL, not an OOM", () => {
    const gw = app("gateway", { state: crashLoop(137, "Error") });
    const result = triage(snapshot("default", gw.part));
    expect(result.rootCauses.map((c) => c.category)).toEqual(["crash-loop"]);
    const cause = result.rootCauses[0]!;
    expect(cause.summary).toContain("killed with SIGKILL (exit 137), not OOMKilled");
    expect(cause.summary).not.toMatch(/is OOMKilled/);
    expect(evidenceHas(cause, "exit code 137")).toBe(true);
  });

  it("quotes the error lines of the previous container's log", () => {
    const api = app("api", { state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "api", "booting\npanic: config key DATABASE_HOST is required\n")];
    const { cause } = onlyCause(snapshot("default", api.part, { logs }), "crash-loop");
    expect(evidenceHas(cause, "panic: config key DATABASE_HOST is required")).toBe(true);
    expect(cause.confidence).toBeGreaterThan(0.8);
    expect(cause.commands).toContain(
      `kubectl -n default logs ${api.pods[0]!.metadata.name} -c api --previous`,
    );
  });

  it("hints at down Services its log names as plain words, without claiming a chain", () => {
    const gw = app("api-gateway", { state: crashLoop(137) });
    const auth = app("auth-service", { state: crashLoop(1) });
    const logs = [
      log(
        gw.pods[0]!,
        "api-gateway",
        '{"level":"error","msg":"upstream health check failed","upstream":"auth-service"}',
      ),
    ];
    const result = triage(
      snapshot("default", gw.part, auth.part, {
        logs,
        services: [
          service("auth-service", { app: "auth-service" }),
          service("api-gateway", { app: "api-gateway" }),
        ],
      }),
    );
    const cause = result.rootCauses.find((c) => c.resource.name === "api-gateway")!;
    expect(cause.category).toBe("crash-loop");
    expect(cause.causedBy).toBeUndefined();
    expect(cause.nextSteps[0]).toBe(
      "Its log names auth-service, which is down too: fix it first, then see whether this recovers.",
    );
  });

  it("proposes no restart for a crash loop (a restart crashes again)", () => {
    const api = app("api", { state: crashLoop(1) });
    expect(triage(snapshot("default", api.part)).remediations).toEqual([]);
  });

  it("reports one cause per workload, not one per pod", () => {
    const api = app("api", { replicas: 5, state: crashLoop(2) });
    const { cause } = onlyCause(snapshot("default", api.part), "crash-loop");
    expect(cause.affected).toHaveLength(5);
  });
});

describe("init-container-failure", () => {
  it("quotes the failing init container's log line", () => {
    const auth = app("auth", {
      initContainers: [{ name: "migrate-db", image: "migrate:1" }],
      initStates: { "migrate-db": crashLoop(1) },
      state: { waiting: "PodInitializing" },
      phase: "Pending",
    });
    const logs = [
      log(auth.pods[0]!, "migrate-db", "connecting\nERROR: Connection refused - database unreachable\n"),
    ];
    const { cause } = onlyCause(snapshot("default", auth.part, { logs }), "init-container-failure");
    expect(cause.summary).toContain("migrate-db");
    expect(evidenceHas(cause, "ERROR: Connection refused - database unreachable")).toBe(true);
  });
});

describe("probe-failure", () => {
  it("running but not ready with readiness probe failures; timeouts get a bounded probe patch", () => {
    const web = app("web", {
      state: { running: true, ready: false },
      container: { readinessProbe: { httpGet: { path: "/ready", port: 8080 }, timeoutSeconds: 1 } },
    });
    const ev = event(
      web.pods[0]!,
      "Unhealthy",
      'Readiness probe failed: Get "http://10.0.0.1:8080/ready": context deadline exceeded',
      {
        fieldPath: "spec.containers{web}",
        count: 20,
      },
    );
    const { cause, result } = onlyCause(snapshot("default", web.part, { events: [ev] }), "probe-failure");
    expect(evidenceHas(cause, "Readiness probe failed")).toBe(true);
    expect(evidenceHas(cause, "httpGet /ready port 8080")).toBe(true);
    const patch = result.remediations.find((r) => r.action === "patch-workload");
    expect(patch?.params).toEqual({ container: "web", field: "readinessProbe.timeoutSeconds", value: 5 });
    expect(patch?.change).toBe("spec.template.spec.containers[web].readinessProbe.timeoutSeconds: 1 -> 5");
    expectValidProposals(result);
  });

  it("a pod warming up (not ready for seconds, one failure) is not a probe failure yet", () => {
    const web = app("web", {
      state: { running: true, ready: false },
      container: { readinessProbe: { httpGet: { path: "/", port: 80 } } },
    });
    web.pods[0]!.status!.conditions = [
      { type: "Ready", status: "False", lastTransitionTime: "2026-11-21T08:59:30Z" },
    ];
    const ev = event(web.pods[0]!, "Unhealthy", "Readiness probe failed: connection refused", { count: 1 });
    expect(triage(snapshot("default", web.part, { events: [ev] })).rootCauses).toEqual([]);
    ev.count = 5;
    expect(triage(snapshot("default", web.part, { events: [ev] })).rootCauses.map((c) => c.category)).toEqual(
      ["probe-failure"],
    );
  });

  it("an HTTP 500 from the probe gets no automatic patch", () => {
    const web = app("web", {
      state: { running: true, ready: false },
      container: { readinessProbe: { httpGet: { path: "/", port: 80 } } },
    });
    const ev = event(
      web.pods[0]!,
      "Unhealthy",
      "Readiness probe failed: HTTP probe failed with statuscode: 500",
    );
    const { result } = onlyCause(snapshot("default", web.part, { events: [ev] }), "probe-failure");
    expect(result.remediations).toEqual([]);
  });
});
