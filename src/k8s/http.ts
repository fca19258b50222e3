import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterError, errorMessage } from "../errors.js";

/**
 * The only way the read path talks to an API server. It can send GET and nothing else: there is
 * no method parameter anywhere below, so no caller (a bug, a model-chosen tool input) can turn a
 * read into a write. Auth and TLS come from client-node's KubeConfig (tokens, client certs, exec
 * plugins, proxies), the bodies stay raw so timestamps remain the strings the server sent.
 */

/** A finished GET. */
export interface HttpResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Options of one GET. */
export interface GetOptions {
  query?: Record<string, string | number | boolean | undefined>;
  accept?: string;
  signal?: AbortSignal;
  /** Per-request deadline; overrides the gateway default. */
  timeoutMs?: number;
  /** Stop reading after this many bytes (the rest is discarded). */
  maxBytes?: number;
}

/** How long an idle keep-alive socket is kept (below the 5 s keep-alive timeout of Node servers). */
const IDLE_SOCKET_MS = 4000;
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** A GET-only HTTP client for one cluster of a KubeConfig. */
export class ReadOnlyHttp {
  readonly server: string;
  private requests = 0;
  private agent: HttpAgent | undefined;

  private readonly kc: KubeConfig;

  constructor(
    kc: KubeConfig,
    private readonly defaultTimeoutMs = 15_000,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster)
      throw new ClusterError("NO_CLUSTER", "the kubeconfig has no current cluster", { permanent: true });
    this.server = cluster.server.replace(/\/+$/, "");
    this.kc = kc;
    const user = kc.getCurrentUser();
    if (cluster.server.startsWith("http:") && !cluster.skipTLSVerify && user) {
      // client-node refuses plain-http servers unless TLS verification is "skipped", though there
      // is no TLS to verify; kubectl accepts them (kubectl proxy, local and simulated clusters).
      // Auth is applied from an equivalent config that says so.
      this.kc = new KubeConfig();
      this.kc.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, user);
    }
  }

  /** Requests sent so far (each page, log and probe counts once). */
  get requestCount(): number {
    return this.requests;
  }

  /** Sends one GET and buffers the body, whatever the status. */
  async get(path: string, options: GetOptions = {}): Promise<HttpResponse> {
    return this.send(path, options, undefined);
  }

  /** Sends one GET and hands each newline-delimited chunk to `onLine` until the stream ends. */
  async stream(path: string, options: GetOptions, onLine: (line: string) => void): Promise<HttpResponse> {
    return this.send(path, options, onLine);
  }

  /** Frees pooled connections. */
  close(): void {
    this.agent?.destroy();
  }

  private url(path: string, query: GetOptions["query"]): URL {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /**
   * Auth headers are re-derived for every request (exec plugins and OIDC rotate tokens), but the
   * TLS material is fixed per cluster, so one keep-alive agent is reused: a 50k-pod collection is
   * a few hundred pages and should not pay a TLS handshake for each.
   */
  private async options(url: URL): Promise<RequestOptions> {
    const opts: RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (error) {
      // client-node refuses plain http without insecure-skip-tls-verify, and exec/OIDC auth can fail.
      throw new ClusterError(
        "AUTH_CONFIG",
        `cannot prepare credentials for ${this.server}: ${errorMessage(error)}`,
        {
          cause: error,
          permanent: true,
        },
      );
    }
    const cluster = this.kc.getCurrentCluster();
    if (!cluster?.proxyUrl) {
      if (!this.agent) {
        // Idle sockets are dropped after 4 s: Node servers (the simulated cluster, proxies) treat
        // a connection idle for 5 s as expired and reset it when the next request arrives.
        this.agent =
          url.protocol === "http:"
            ? new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS })
            : new HttpsAgent({
                keepAlive: true,
                timeout: IDLE_SOCKET_MS,
                ca: opts.ca,
                cert: opts.cert,
                key: opts.key,
                servername: opts.servername,
                ...(opts.rejectUnauthorized === undefined
                  ? {}
                  : { rejectUnauthorized: opts.rejectUnauthorized }),
              });
      }
      (opts.agent as HttpAgent | undefined)?.destroy();
      opts.agent = this.agent;
    }
    return opts;
  }

  private async send(
    path: string,
    options: GetOptions,
    onLine?: (line: string) => void,
  ): Promise<HttpResponse> {
    try {
      return await this.sendOnce(path, options, onLine);
    } catch (error) {
      // A keep-alive socket the server closed while it sat idle fails the next request before
      // anything was answered; a GET is safe to send again, once, on a fresh connection.
      if (error instanceof ClusterError && error.code === "STALE_CONNECTION")
        return this.sendOnce(path, options, onLine);
      throw error;
    }
  }

  private async sendOnce(
    path: string,
    options: GetOptions,
    onLine?: (line: string) => void,
  ): Promise<HttpResponse> {
    const url = this.url(path, options.query);
    const base = await this.options(url);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    this.requests += 1;
    const requestFn = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let responded = false;
      const finish = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(response as HttpResponse);
      };
      const req = requestFn(url, {
        ...base,
        method: "GET",
        headers: { ...base.headers, Accept: options.accept ?? "application/json" },
      });
      // Attached first: destroying the request on timeout or abort emits an error too.
      req.on("error", (error: NodeJS.ErrnoException) =>
        finish(
          req.reusedSocket && error.code === "ECONNRESET" && !responded
            ? new ClusterError("STALE_CONNECTION", `stale keep-alive connection to ${this.server}`, {
                cause: error,
              })
            : this.networkError(error),
        ),
      );
      const timer = setTimeout(() => {
        finish(
          new ClusterError(
            "TIMEOUT",
            `no answer from ${this.server} within ${timeoutMs} ms for GET ${path}`,
            {
              status: 504,
            },
          ),
        );
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(new ClusterError("ABORTED", `GET ${path} was cancelled`, { permanent: true }));
        req.destroy();
      };
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener("abort", onAbort, { once: true });
      req.on("response", (res: IncomingMessage) => {
        responded = true;
        const chunks: Buffer[] = [];
        let size = 0;
        let pending = "";
        const streaming = onLine !== undefined && res.statusCode === 200;
        res.on("data", (chunk: Buffer) => {
          if (streaming) {
            pending += chunk.toString("utf8");
            let newline = pending.indexOf("\n");
            while (newline >= 0) {
              const line = pending.slice(0, newline);
              pending = pending.slice(newline + 1);
              if (line.trim() !== "") onLine(line);
              newline = pending.indexOf("\n");
            }
            return;
          }
          if (options.maxBytes !== undefined && size >= options.maxBytes) return;
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on("error", (error: NodeJS.ErrnoException) => finish(this.networkError(error)));
        res.on("end", () => {
          if (streaming && pending.trim() !== "") onLine(pending);
          let body = Buffer.concat(chunks);
          if (options.maxBytes !== undefined && body.length > options.maxBytes)
            body = body.subarray(0, options.maxBytes);
          finish(undefined, {
            status: res.statusCode ?? 0,
            body: body.toString("utf8"),
            headers: res.headers,
          });
        });
      });
      req.end();
    });
  }

  private networkError(error: NodeJS.ErrnoException): ClusterError {
    if (error instanceof ClusterError) return error;
    const code = error.code ?? "";
    if (UNREACHABLE.has(code)) {
      return new ClusterError(
        "CLUSTER_UNREACHABLE",
        `cannot reach the cluster at ${this.server}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    return new ClusterError("NETWORK_ERROR", `request to ${this.server} failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}
