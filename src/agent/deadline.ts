/**
 * The wall-clock limit of a model investigation.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 the combined signal holds
 * its sources weakly, so once the timeout signal is garbage-collected it never fires
 * (nodejs/node#57736) and a model that never answers outlives the limit. Here the timer is an
 * ordinary `setTimeout` whose callback holds the controller, so the timer list keeps both alive
 * until it fires or is disposed.
 */
export interface Deadline {
  /** Aborts when the limit passes (reason: a `TimeoutError`) or when the caller's signal aborts. */
  readonly signal: AbortSignal;
  /** Clears the timer and detaches from the caller's signal; call when the work is done. */
  dispose(): void;
}

/** Starts a deadline of `timeoutMs`, also following the caller's `signal` when given. */
export function startDeadline(timeoutMs: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new DOMException(`the investigation time limit of ${timeoutMs} ms passed`, "TimeoutError"),
    );
  }, timeoutMs);
  // An idle CLI must not wait for a limit nobody is working under any more.
  timer.unref();
  const follow = () => controller.abort(signal?.reason);
  if (signal?.aborted) follow();
  else signal?.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", follow);
    },
  };
}
