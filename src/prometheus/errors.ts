import { DependencyError } from "../errors.js";

/** Stable codes of a failed PromQL query. */
export type PrometheusErrorCode =
  /** PromQL syntax or semantic error (bad_data, HTTP 400/422). */
  | "PROMETHEUS_BAD_QUERY"
  /** The query or the connection took longer than the timeout. */
  | "PROMETHEUS_TIMEOUT"
  /** Connection refused, DNS failure, TLS failure. */
  | "PROMETHEUS_UNREACHABLE"
  /** HTTP 503 or another 5xx: the server is up but cannot answer now. */
  | "PROMETHEUS_UNAVAILABLE"
  /** HTTP 401/403: the bearer token or basic-auth credentials were refused. */
  | "PROMETHEUS_UNAUTHORIZED"
  /** The answer exceeded the response byte bound and was aborted. */
  | "PROMETHEUS_TOO_LARGE"
  /** Not Prometheus's API shape. */
  | "PROMETHEUS_BAD_RESPONSE";

/**
 * A PromQL query that failed. Always a dependency fault of one query: callers report it in the
 * evidence (or as a tool error) and go on; an investigation never fails because of it.
 */
export class PrometheusError extends DependencyError {
  declare readonly code: PrometheusErrorCode;
  readonly status?: number;
  constructor(
    code: PrometheusErrorCode,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      // A bad query stays bad; the rest may pass.
      permanent: code === "PROMETHEUS_BAD_QUERY" || code === "PROMETHEUS_UNAUTHORIZED",
    });
    if (options.status !== undefined) this.status = options.status;
  }
}
