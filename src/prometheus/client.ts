import { readFileSync } from "node:fs";
import { Agent, type Dispatcher, request } from "undici";
import type { MetricSeries } from "../domain/metrics.js";
import { errorMessage } from "../errors.js";
import {
  type BoundedRange,
  boundRange,
  effectiveLimits,
  type QueryLimits,
  type RangeRequest,
  truncateSeries,
} from "./bounds.js";
import { PrometheusError } from "./errors.js";
import { parseApiBody } from "./response.js";

/** How to reach one Prometheus (or a Prometheus-compatible API: Thanos, Mimir, VictoriaMetrics). */
export interface PrometheusClientOptions {
  /** Base URL, e.g. http://prometheus-operated.monitoring:9090 (a path prefix is kept). */
  url: string;
  bearerToken?: string;
  username?: string;
  password?: string;
  /** PEM CA bundle to trust for https (read once at construction). */
  caFile?: string;
  /** Skips certificate verification (only for a self-signed lab server). */
  insecureSkipVerify?: boolean;
  /** Lowered bounds (never above the hard limits). */
  limits?: Partial<QueryLimits>;
  /** Clock in ms (tests, simulations). */
  now?: () => number;
}

/** How long after the query's timeout the client aborts the request. */
const ABORT_GRACE_MS = 500;

/** One answer, already inside the bounds. */
export interface QueryResult {
  query: string;
  resultType: "vector" | "matrix" | "scalar" | "string";
  /** At most `maxSeries` series; scalars come back as one series with no labels. */
  series: MetricSeries[];
  /** Series Prometheus returned before truncation. */
  totalSeries: number;
  /** What the bounds changed (clamped range, raised step, truncation). */
  notes: string[];
  /** Prometheus's own warnings. */
  warnings: string[];
  /** The range as sent, for range queries. */
  range?: BoundedRange;
  /** Evaluation time of an instant query, unix seconds. */
  time?: number;
}

/**
 * A read-only PromQL client: POSTs to /api/v1/query and /api/v1/query_range only, with the bounds
 * of {@link QueryLimits} applied to every call (range, step, series, bytes, timeout). Failures are
 * {@link PrometheusError}s with a stable code.
 */
export class PrometheusClient {
  readonly url: string;
  readonly limits: QueryLimits;
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Dispatcher;
  private readonly now: () => number;
  private sent = 0;

  constructor(options: PrometheusClientOptions) {
    this.base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
    this.base.username = "";
    this.base.password = "";
    this.url = this.base.toString().replace(/\/$/, "");
    this.limits = effectiveLimits(options.limits);
    this.now = options.now ?? Date.now;
    this.headers = { accept: "application/json", "content-type": "application/x-www-form-urlencoded" };
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    else if (options.username !== undefined) {
      const pair = `${options.username}:${options.password ?? ""}`;
      this.headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    }
    this.dispatcher = new Agent({
      connect: {
        ...(options.caFile ? { ca: readFileSync(options.caFile, "utf8") } : {}),
        ...(options.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
      },
      connections: 4,
    });
  }

  /** Queries sent so far (bench, evidence). */
  get queryCount(): number {
    return this.sent;
  }

  /** The value of `query` at `time` (unix seconds, default now). */
  async instant(query: string, options: { time?: number; signal?: AbortSignal } = {}): Promise<QueryResult> {
    const time = Math.min(options.time ?? this.nowSeconds(), this.nowSeconds());
    const params = new URLSearchParams({ query, time: String(time) });
    return { ...(await this.send("api/v1/query", params, query, options.signal)), time };
  }

  /** `query` over a range, clamped to the bounds (see {@link boundRange}). */
  async range(
    query: string,
    asked: RangeRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<QueryResult> {
    const range = boundRange(asked, this.limits, this.nowSeconds());
    const params = new URLSearchParams({
      query,
      start: String(range.start),
      end: String(range.end),
      step: String(range.step),
    });
    const result = await this.send("api/v1/query_range", params, query, options.signal);
    return { ...result, range, notes: [...range.notes, ...result.notes] };
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private async send(
    path: string,
    params: URLSearchParams,
    query: string,
    signal: AbortSignal | undefined,
  ): Promise<Omit<QueryResult, "range" | "time">> {
    const timeoutMs = this.limits.timeoutSeconds * 1000;
    // Plain seconds (the API takes a float), so sub-second timeouts survive.
    params.set("timeout", String(this.limits.timeoutSeconds));
    // The client gives up half a second after Prometheus should have: its own timeout error says
    // more than a cut connection, and a server that ignores the parameter is still cut.
    const timer = AbortSignal.timeout(timeoutMs + ABORT_GRACE_MS);
    const aborted = signal ? AbortSignal.any([signal, timer]) : timer;
    this.sent += 1;
    let text: string;
    let status: number;
    try {
      const response = await request(new URL(path, this.base), {
        method: "POST",
        headers: this.headers,
        body: params.toString(),
        dispatcher: this.dispatcher,
        signal: aborted,
        headersTimeout: timeoutMs + ABORT_GRACE_MS,
        bodyTimeout: timeoutMs + ABORT_GRACE_MS,
      });
      status = response.statusCode;
      text = await readCapped(response.body, this.limits.maxResponseBytes);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw transportError(error, timer.aborted, this.limits);
    }
    const parsed = parseApiBody(text, status);
    const { kept, note } = truncateSeries(parsed.series, this.limits.maxSeries);
    return {
      query,
      resultType: parsed.resultType,
      series: kept,
      totalSeries: parsed.series.length,
      notes: note ? [note] : [],
      warnings: parsed.warnings,
    };
  }
}

/** Reads a body up to `maxBytes`; past it the stream is destroyed (the connection aborted). */
async function readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy();
      throw new PrometheusError(
        "PROMETHEUS_TOO_LARGE",
        `the answer exceeded ${maxBytes} bytes and was aborted; narrow the query (aggregate with sum/topk, or add label filters)`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps an undici failure to a coded error. */
function transportError(error: unknown, timedOut: boolean, limits: QueryLimits): PrometheusError {
  if (error instanceof PrometheusError) return error;
  const code = causeCode(error);
  if (timedOut || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new PrometheusError(
      "PROMETHEUS_TIMEOUT",
      `Prometheus did not answer within ${limits.timeoutSeconds}s (PROMETHEUS_TIMEOUT_SECONDS)`,
      { cause: error },
    );
  }
  return new PrometheusError(
    "PROMETHEUS_UNREACHABLE",
    `cannot reach Prometheus: ${code ? `${code} ` : ""}${errorMessage(error)}`,
    { cause: error },
  );
}
