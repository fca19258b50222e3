import { ClusterError, errorMessage } from "../errors.js";
import type { HttpResponse } from "./http.js";

/** The Kubernetes `Status` object an API server answers errors with. */
interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
}

/** Parses an API answer, or a coded BAD_RESPONSE naming what was read. */
export function parseJson<T>(response: HttpResponse, what: string): T {
  try {
    return JSON.parse(response.body) as T;
  } catch (error) {
    throw new ClusterError(
      "BAD_RESPONSE",
      `${what}: the API server sent invalid JSON: ${errorMessage(error)}`,
      {
        cause: error,
        status: response.status,
      },
    );
  }
}

/** Maps a non-2xx answer to a coded ClusterError with the server's own message. */
export function statusError(response: HttpResponse, what: string): ClusterError {
  let detail = response.body.slice(0, 500).trim();
  try {
    const status = JSON.parse(response.body) as StatusBody;
    if (status.message) detail = status.message;
  } catch {
    // Not a Status object (a proxy or a plain-text error page): keep the raw text.
  }
  const status = response.status;
  const code =
    status === 403
      ? "FORBIDDEN"
      : status === 401
        ? "UNAUTHORIZED"
        : status === 404
          ? "NOT_FOUND"
          : status === 410
            ? "GONE"
            : status === 429
              ? "THROTTLED"
              : status >= 500
                ? "API_ERROR"
                : "BAD_REQUEST";
  const permanent = status === 401 || status === 403 || status === 404 || status === 400;
  return new ClusterError(code, `${what}: HTTP ${status}${detail ? `: ${detail}` : ""}`, {
    status,
    permanent,
  });
}
