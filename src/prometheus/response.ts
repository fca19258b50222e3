import type { MetricSeries } from "../domain/metrics.js";
import { PrometheusError } from "./errors.js";

/** A parsed `/api/v1/query[_range]` success body. */
export interface ParsedBody {
  resultType: "vector" | "matrix" | "scalar" | "string";
  series: MetricSeries[];
  warnings: string[];
}

type Sample = [number, string];
interface ApiBody {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: {
    resultType?: string;
    result?: unknown;
  };
}

function point(sample: unknown): [number, number] | undefined {
  if (!Array.isArray(sample) || sample.length !== 2) return undefined;
  const [ts, raw] = sample as Sample;
  const value = Number(raw);
  // NaN and ±Inf do not survive JSON; they are not plotted or summarised either.
  return typeof ts === "number" && Number.isFinite(value) ? [ts, value] : undefined;
}

function points(samples: unknown): [number, number][] {
  if (!Array.isArray(samples)) return [];
  return samples.map(point).filter((p): p is [number, number] => p !== undefined);
}

/**
 * Parses Prometheus's HTTP API answer (https://prometheus.io/docs/prometheus/latest/querying/api/):
 * errors become coded {@link PrometheusError}s with Prometheus's own message, results become
 * plain series.
 */
export function parseApiBody(text: string, status: number): ParsedBody {
  let body: ApiBody | undefined;
  try {
    body = JSON.parse(text) as ApiBody;
  } catch {
    body = undefined;
  }
  if (status === 401 || status === 403) {
    throw new PrometheusError(
      "PROMETHEUS_UNAUTHORIZED",
      `Prometheus refused the credentials (HTTP ${status}); check PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PASSWORD`,
      { status },
    );
  }
  if (!body || typeof body !== "object" || (body.status !== "success" && body.status !== "error")) {
    throw new PrometheusError(
      status >= 500 ? "PROMETHEUS_UNAVAILABLE" : "PROMETHEUS_BAD_RESPONSE",
      `Prometheus answered HTTP ${status} with no API body: ${text.slice(0, 200)}`,
      { status },
    );
  }
  if (body.status === "error") {
    const kind = body.errorType ?? "error";
    const message = `${kind}: ${body.error ?? "no message"}`;
    if (kind === "timeout" || kind === "canceled")
      throw new PrometheusError("PROMETHEUS_TIMEOUT", `Prometheus gave up on the query (${message})`, {
        status,
      });
    if (kind === "bad_data" || kind === "execution" || status === 400 || status === 422)
      throw new PrometheusError("PROMETHEUS_BAD_QUERY", `PromQL rejected (${message})`, { status });
    throw new PrometheusError("PROMETHEUS_UNAVAILABLE", `Prometheus failed (HTTP ${status}, ${message})`, {
      status,
    });
  }
  const resultType = body.data?.resultType;
  const result = body.data?.result;
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  if (resultType === "scalar" || resultType === "string") {
    const p = point(result);
    return { resultType, series: p ? [{ labels: {}, points: [p] }] : [], warnings };
  }
  if ((resultType !== "vector" && resultType !== "matrix") || !Array.isArray(result)) {
    throw new PrometheusError("PROMETHEUS_BAD_RESPONSE", `unexpected result type ${String(resultType)}`, {
      status,
    });
  }
  const series = result.map(
    (item: { metric?: Record<string, string>; value?: unknown; values?: unknown }) => ({
      labels: { ...(item.metric ?? {}) },
      points:
        resultType === "vector" ? points(item.value === undefined ? [] : [item.value]) : points(item.values),
    }),
  );
  return { resultType, series, warnings };
}
