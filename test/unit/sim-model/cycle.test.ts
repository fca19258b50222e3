import { describe, expect, it } from "vitest";
import {
  advanceCycle,
  backoffSeconds,
  pullAttempts,
  type StopSpec,
} from "../../../src/sim/model/kubelet/cycle.js";
import { parseImage } from "../../../src/sim/model/kubelet/images.js";
import { amount, formatAmount } from "../../../src/sim/model/util/quantity.js";
import { goDuration } from "../../../src/sim/model/util/time.js";

const spec: StopSpec = {
  exitCode: 1,
  reason: "Error",
  runSeconds: 7,
  restartable: true,
  backoffMessage: (delay) => `back-off ${delay}`,
  containerId: (restarts) => `id-${restarts}`,
};

/** The same cycle walked one second at a time: run, exit, back off, run again. */
function naive(nowSeconds: number): { restarts: number; running: boolean } {
  let restarts = 0;
  let t = 0;
  for (;;) {
    if (nowSeconds < t + spec.runSeconds) return { restarts, running: true };
    t += spec.runSeconds;
    const delay = backoffSeconds(restarts + 1);
    if (nowSeconds < t + delay) return { restarts: restarts + 1, running: false };
    t += delay;
    restarts++;
  }
}

describe("kubelet cycle arithmetic", () => {
  it("backs off 10s doubling to 5m, printed as Go durations", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffSeconds)).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
    expect([10, 80, 160, 300, 3725].map(goDuration)).toEqual(["10s", "1m20s", "2m40s", "5m0s", "1h2m5s"]);
  });

  it("jumps the clock in closed form exactly as walking it would", () => {
    for (const seconds of [0, 6, 7, 16, 17, 100, 633, 634, 5000, 86_400, 86_401, 1_000_003]) {
      const state = advanceCycle(spec, 0, 0, undefined, seconds * 1000);
      const expected = naive(seconds);
      expect(
        { restarts: state.restartCount, running: state.state.running !== undefined },
        `t=${seconds}`,
      ).toEqual(expected);
    }
  });

  it("resumes from a recorded termination to the same place", () => {
    const direct = advanceCycle(spec, 0, 0, undefined, 50_000_000);
    const midway = advanceCycle(spec, 0, 0, undefined, 1_000_000);
    const finished = Date.parse(midway.lastState.terminated?.finishedAt ?? "");
    const started = Date.parse(midway.lastState.terminated?.startedAt ?? "");
    const resumed = advanceCycle(spec, started, midway.restartCount - 1, undefined, 50_000_000, finished);
    expect(resumed.restartCount).toBe(direct.restartCount);
    expect(resumed.state).toEqual(direct.state);
  });

  it("counts pull failures in closed form", () => {
    expect(pullAttempts(0, 0).failures).toBe(0);
    expect(pullAttempts(0, 1000)).toMatchObject({ failures: 1, fresh: true });
    expect(pullAttempts(0, 5000)).toMatchObject({ failures: 1, fresh: false });
    for (const seconds of [1, 11, 12, 33, 600, 3_600, 7_200, 86_400]) {
      let failures = 0;
      for (let at = 1; at <= seconds; at += backoffSeconds(failures) + 1) failures++;
      expect(pullAttempts(0, seconds * 1000).failures, `t=${seconds}`).toBe(failures);
    }
  });
});

describe("parsing", () => {
  it("normalizes image references as containerd does", () => {
    expect(parseImage("nginx").normalized).toBe("docker.io/library/nginx:latest");
    expect(parseImage("bitnami/redis:7").normalized).toBe("docker.io/bitnami/redis:7");
    expect(parseImage("localhost:5000/app:v1")).toMatchObject({
      registry: "localhost:5000",
      repository: "app",
      reference: "v1",
    });
    expect(parseImage("ghcr.io/acme/x@sha256:abc").reference).toBe("sha256:abc");
  });

  it("reads and prints quantities", () => {
    expect(amount("memory", "128Mi")).toBe(128 * 2 ** 20);
    expect(amount("memory", "1G")).toBe(1e9);
    expect(amount("cpu", "250m")).toBe(250);
    expect(amount("limits.cpu", "2")).toBe(2000);
    expect(formatAmount("limits.memory", 3 * 2 ** 30)).toBe("3Gi");
    expect(formatAmount("requests.cpu", 1500)).toBe("1500m");
  });
});
