import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeObject } from "../domain/kube.js";
import { ClusterError, errorMessage } from "../errors.js";
import { assertAllowedRequest, assertNotForbidden, type KubeRequest } from "./request.js";

/**
 * The executor's HTTP client: the only code in the project that sends mutating requests to a
 * cluster. Every write goes through `assertAllowedRequest` here, at the last moment, whatever
 * built it. Reads use the same identity so drift checks see exactly what the write will hit,
 * unredacted (a rollback must restore real env values, not "[REDACTED]").
 */

/** A finished request. */
export interface KubeResponse {
  status: number;
  body: string;
}

/** Kubernetes `Status` fields worth quoting. */
interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** The message of a Status body, or the raw text. */
export function statusMessage(response: KubeResponse): string {
  try {
    const parsed = JSON.parse(response.body) as StatusBody;
    if (parsed.message)
      return `${response.status} ${parsed.reason ?? ""}: ${parsed.message}`.replace(" :", ":");
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return `${response.status}: ${response.body.slice(0, 300)}`;
}

/** Options of one write. */
export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
}

/** GET for drift checks and guarded writes (dry run or real) with one identity. */
export class KubeWriteClient {
  readonly server: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly kc: KubeConfig,
    options: { timeoutMs?: number } = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError("NO_CLUSTER", "the executor kubeconfig has no current cluster");
    this.server = cluster.server.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** GETs one object; undefined on 404, ClusterError on any other failure. */
  async get(path: string): Promise<KubeObject | undefined> {
    assertNotForbidden("GET", path);
    const response = await this.send("GET", path, {});
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      throw new ClusterError("READ_FAILED", `GET ${path} failed: ${statusMessage(response)}`, {
        status: response.status,
      });
    }
    return JSON.parse(response.body) as KubeObject;
  }

  /** GETs a collection (one page is enough for one namespace's ReplicaSets or pods). */
  async list(path: string, labelSelector?: string): Promise<KubeObject[]> {
    assertNotForbidden("GET", path);
    const query: Record<string, string> = {};
    if (labelSelector) query.labelSelector = labelSelector;
    const response = await this.send("GET", path, query);
    if (response.status !== 200) {
      throw new ClusterError("READ_FAILED", `GET ${path} failed: ${statusMessage(response)}`, {
        status: response.status,
      });
    }
    return (JSON.parse(response.body) as { items?: KubeObject[] }).items ?? [];
  }

  /** Sends one catalog write (guarded), as a server-side dry run or for real. */
  async write(request: KubeRequest, options: WriteOptions): Promise<KubeResponse> {
    assertAllowedRequest(request);
    const query: Record<string, string> = {};
    if (options.dryRun) query.dryRun = "All";
    // DELETE takes no fieldManager; the server rejects unknown query parameters on it.
    if (request.method !== "DELETE") query.fieldManager = options.fieldManager;
    return this.send(request.method, request.path, query, request.body, request.contentType);
  }

  private async send(
    method: string,
    path: string,
    query: Record<string, string>,
    body?: unknown,
    contentType?: string,
  ): Promise<KubeResponse> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const opts: RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (error) {
      throw new ClusterError("AUTH_CONFIG", `cannot prepare executor credentials: ${errorMessage(error)}`, {
        cause: error,
        permanent: true,
      });
    }
    if (url.protocol === "http:") {
      // Loopback test servers: client-node prepares an https agent we cannot use over http.
      (opts.agent as HttpAgent | undefined)?.destroy?.();
      opts.agent = new HttpAgent();
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {
      ...(opts.headers as Record<string, string>),
      Accept: "application/json",
    };
    if (payload !== undefined) {
      headers["Content-Type"] = contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    const requestFn = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = requestFn(
        url,
        { ...opts, method, headers, timeout: this.timeoutMs },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
        },
      );
      req.on("timeout", () =>
        req.destroy(new ClusterError("TIMEOUT", `${method} ${path}: no answer in time`)),
      );
      req.on("error", (error) =>
        reject(
          error instanceof ClusterError
            ? error
            : new ClusterError("CLUSTER_UNREACHABLE", `${method} ${path} failed: ${errorMessage(error)}`, {
                cause: error,
              }),
        ),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}
