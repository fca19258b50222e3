import type { ContainerState, ContainerStateTerminated } from "../../../domain/kube.js";
import { formatTime, goDuration } from "../util/time.js";

/** The kubelet's restart back-off after the n-th failure (n >= 1): 10s doubling to 5m. */
export function backoffSeconds(failures: number): number {
  return Math.min(10 * 2 ** Math.max(0, failures - 1), 300);
}

const CAP_MS = 300_000;

/** Where a container that stops after `runSeconds` stands in its run/crash/back-off cycle. */
export interface CycleState {
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  /** Start of the current (or last) run, epoch ms. */
  runStartMs: number;
  /** True once a run ended and will not be restarted. */
  final: boolean;
}

/** The parameters of a stopping container. */
export interface StopSpec {
  exitCode: number;
  reason: string;
  runSeconds: number;
  /** Whether the kubelet restarts it after this exit (restartPolicy). */
  restartable: boolean;
  /** Builds the CrashLoopBackOff message for a back-off of the given length. */
  backoffMessage: (delay: string) => string;
  containerId: (restartCount: number) => string;
}

function terminated(
  spec: StopSpec,
  startMs: number,
  finishMs: number,
  restarts: number,
): ContainerStateTerminated {
  return {
    exitCode: spec.exitCode,
    reason: spec.reason,
    startedAt: formatTime(startMs),
    finishedAt: formatTime(finishMs),
    containerID: spec.containerId(restarts),
  };
}

/**
 * Advances a stopping container from a run that started at `startMs` (after `restarts` earlier
 * failures) to `nowMs` in closed form: run, exit, back off 10s·2ⁿ (capped at 5m), run again.
 * Once the back-off is capped the cycle is periodic, so any clock jump costs O(1).
 * `firstFinishMs` pins the end of the first run when resuming from a recorded termination.
 */
export function advanceCycle(
  spec: StopSpec,
  startMs: number,
  restarts: number,
  previous: ContainerStateTerminated | undefined,
  nowMs: number,
  firstFinishMs?: number,
): CycleState {
  const runMs = Math.max(0, spec.runSeconds) * 1000;
  let start = startMs;
  let count = restarts;
  let last = previous;
  let finish = firstFinishMs ?? start + runMs;
  for (;;) {
    if (nowMs < finish) {
      return {
        state: { running: { startedAt: formatTime(start) } },
        lastState: last ? { terminated: last } : {},
        restartCount: count,
        runStartMs: start,
        final: false,
      };
    }
    const ended = terminated(spec, start, finish, count);
    if (!spec.restartable) {
      return {
        state: { terminated: ended },
        lastState: last ? { terminated: last } : {},
        restartCount: count,
        runStartMs: start,
        final: true,
      };
    }
    const failures = count + 1;
    const delay = backoffSeconds(failures);
    const next = finish + delay * 1000;
    if (nowMs < next) {
      return {
        state: { waiting: { reason: "CrashLoopBackOff", message: spec.backoffMessage(goDuration(delay)) } },
        lastState: { terminated: ended },
        restartCount: failures,
        runStartMs: start,
        final: false,
      };
    }
    count = failures;
    start = next;
    last = ended;
    if (delay * 1000 === CAP_MS) {
      const period = runMs + CAP_MS;
      const skipped = period > 0 ? Math.floor((nowMs - start) / period) : 0;
      if (skipped > 0) {
        count += skipped;
        start += skipped * period;
        last = terminated(spec, start - CAP_MS - runMs, start - CAP_MS, count - 1);
      }
    }
    finish = start + runMs;
  }
}

/** Image pull attempts of an unpullable image since `sinceMs`: each takes 1s, then backs off. */
export interface PullAttempts {
  /** Failed attempts so far. */
  failures: number;
  /** When the last failure happened (epoch ms), if any. */
  lastFailureMs: number | undefined;
  /** True while the latest failure is fresh (the kubelet reports ErrImagePull, then ImagePullBackOff). */
  fresh: boolean;
}

/** Closed-form count of pull failures between `sinceMs` and `nowMs`. */
export function pullAttempts(sinceMs: number, nowMs: number): PullAttempts {
  const pullMs = 1000;
  let failures = 0;
  let failureAt = sinceMs + pullMs;
  let lastFailureMs: number | undefined;
  while (failureAt <= nowMs) {
    failures++;
    lastFailureMs = failureAt;
    const delay = backoffSeconds(failures) * 1000;
    if (delay === CAP_MS) {
      const period = CAP_MS + pullMs;
      const more = Math.floor((nowMs - failureAt) / period);
      failures += more;
      lastFailureMs = failureAt + more * period;
      break;
    }
    failureAt += delay + pullMs;
  }
  return { failures, lastFailureMs, fresh: lastFailureMs !== undefined && nowMs - lastFailureMs < 1000 };
}
