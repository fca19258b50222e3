import { DependencyError, errorMessage } from "../errors.js";

/** How a failed Web API call should be treated. */
export type Failure =
  | { kind: "rate-limited"; retryAfterMs: number; detail: string }
  | { kind: "transient"; detail: string }
  | { kind: "permanent"; code: string; detail: string };

/** Platform errors that say "try again later" rather than "this request is wrong". */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
  "rate_limited",
  "team_added_to_org",
  "timeout",
]);

interface SlackErrorShape {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown };
}

/** Classifies an error thrown by @slack/web-api (v7+/v8 error codes). */
export function classifySlackError(error: unknown): Failure {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SlackErrorShape;
  const detail = errorMessage(error);
  switch (shape.code) {
    case "slack_webapi_rate_limited_error": {
      const seconds = typeof shape.retryAfter === "number" && shape.retryAfter >= 0 ? shape.retryAfter : 1;
      return { kind: "rate-limited", retryAfterMs: seconds * 1000, detail };
    }
    case "slack_webapi_platform_error": {
      const code = typeof shape.data?.error === "string" ? shape.data.error : "unknown_error";
      return TRANSIENT_PLATFORM_ERRORS.has(code)
        ? { kind: "transient", detail: code }
        : { kind: "permanent", code, detail: code };
    }
    case "slack_webapi_http_error": {
      const status = typeof shape.statusCode === "number" ? shape.statusCode : 0;
      return status >= 500 || status === 408 || status === 0
        ? { kind: "transient", detail }
        : { kind: "permanent", code: `http_${status}`, detail };
    }
    default:
      // Network failures (slack_webapi_request_error), timeouts and anything unexpected: retry.
      return { kind: "transient", detail };
  }
}

/** The Slack platform error code of an error, if it is one (e.g. "already_reacted"). */
export function platformErrorCode(error: unknown): string | undefined {
  const failure = classifySlackError(error);
  return failure.kind === "permanent" ? failure.code : undefined;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1; injected so tests are deterministic. */
  random: () => number;
}

/** Exponential backoff with jitter between half and the full step. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (step / 2) * policy.random());
}

/** The typed error a caller sees when Slack refuses a call or stays down past the retries. */
export function slackDependencyError(
  method: string,
  failure: Failure,
  attempts: number,
  cause: unknown,
): DependencyError {
  if (failure.kind === "permanent") {
    return new DependencyError(
      `SLACK_${failure.code.toUpperCase()}`,
      `Slack ${method} failed: ${failure.detail}`,
      { cause, permanent: true },
    );
  }
  return new DependencyError(
    "SLACK_UNAVAILABLE",
    `Slack ${method} still failing after ${attempts} attempt${attempts === 1 ? "" : "s"} (${failure.detail}); the job will retry`,
    { cause },
  );
}
