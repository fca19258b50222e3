import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeObject } from "../domain/kube.js";
import { ClusterError } from "../errors.js";
import { type HttpResponse, ReadOnlyHttp } from "./http.js";
import { parseJson, statusError } from "./http-status.js";
import { apiVersionOf, type KindEntry, kindInfo, resourcePath } from "./kinds.js";
import { KnownSecrets } from "./known-secrets.js";
import { metricsPath, normalizeMetrics } from "./metrics-api.js";
import type { ClusterReader, ListOptions, LogOptions, WatchEvent } from "./reader.js";
import { REDACTED, redactObjectInPlace, redactText } from "./redact.js";

/** Tuning of a reader; the defaults suit a CLI run against a real cluster. */
export interface ReaderOptions {
  /** Per-request deadline in ms (default 15 s). */
  timeoutMs?: number;
  /** Default page size for lists (default 500, what kubectl uses). */
  pageSize?: number;
}

/** A ClusterReader over a real (or simulated) API server; `close()` frees its connections. */
export interface KubeClusterReader extends ClusterReader {
  /** The API server URL of the kubeconfig's current cluster. */
  readonly server: string;
  /** The current context's name, when the kubeconfig has one. */
  readonly context: string | undefined;
  listWithVersion(
    plural: string,
    options?: ListOptions,
  ): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  metrics(
    resource: "pods" | "nodes",
    options?: { namespace?: string; signal?: AbortSignal },
  ): Promise<KubeObject[]>;
  close(): void;
}

// Secrets are fetched as PartialObjectMetadata: the server never sends their values.
const METADATA_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/**
 * Gives list items the apiVersion/kind the server leaves out of list responses, then redacts them
 * (first teaching `secrets` the env values it hides, so logs that echo them are scrubbed too).
 */
function normalize(item: KubeObject, info: KindEntry, secrets?: KnownSecrets): KubeObject {
  if (info.metadataOnly) {
    item.kind = info.kind;
    item.apiVersion = apiVersionOf(info);
  } else {
    item.kind ??= info.kind;
    item.apiVersion ??= apiVersionOf(info);
  }
  if (item.kind === "Pod") secrets?.learn(item);
  return redactObjectInPlace(item);
}

class KubeReader implements KubeClusterReader {
  private readonly http: ReadOnlyHttp;
  private readonly pageSize: number;
  private lastDate: string | undefined;
  /** Env secret values of the pods read so far: a log that prints one is scrubbed of it. */
  private readonly secrets = new KnownSecrets();
  readonly context: string | undefined;

  constructor(kc: KubeConfig, options: ReaderOptions) {
    this.http = new ReadOnlyHttp(kc, options.timeoutMs ?? 15_000);
    this.pageSize = options.pageSize ?? 500;
    this.context = kc.getCurrentContext() || undefined;
  }

  get server(): string {
    return this.http.server;
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  serverTime(): string | undefined {
    return this.lastDate;
  }

  close(): void {
    this.http.close();
  }

  private remember(response: HttpResponse): HttpResponse {
    const date = response.headers.date;
    if (typeof date === "string") {
      const parsed = Date.parse(date);
      if (!Number.isNaN(parsed)) this.lastDate = new Date(parsed).toISOString().replace(".000Z", "Z");
    }
    return response;
  }

  async list(plural: string, options: ListOptions = {}): Promise<KubeObject[]> {
    return (await this.listWithVersion(plural, options)).items;
  }

  /** All pages plus the list's resourceVersion, so a watch can start exactly after the list. */
  async listWithVersion(
    plural: string,
    options: ListOptions = {},
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const info = kindInfo(plural);
    const path = resourcePath(info, info.namespaced ? options.namespace : undefined);
    const what = `list ${plural}${info.namespaced && options.namespace ? ` in ${options.namespace}` : ""}`;
    const items: KubeObject[] = [];
    let token: string | undefined;
    let limit: number | undefined = options.pageSize ?? this.pageSize;
    let resourceVersion = "";
    do {
      const response = this.remember(
        await this.http.get(path, {
          query: {
            limit,
            continue: token,
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
          },
          ...(info.metadataOnly ? { accept: METADATA_ACCEPT } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
      if (response.status === 410 && token !== undefined) {
        // The continue token expired mid-list (the data changed under us for too long): start
        // over in one unpaginated request rather than stitch pages from two different versions.
        items.length = 0;
        resourceVersion = "";
        token = undefined;
        limit = undefined;
        continue;
      }
      if (response.status !== 200) throw statusError(response, what);
      const page = parseJson<{
        items?: KubeObject[] | null;
        metadata?: { continue?: string; resourceVersion?: string };
      }>(response, what);
      for (const item of page.items ?? []) items.push(normalize(item, info, this.secrets));
      token = page.metadata?.continue || undefined;
      // Every page of one list carries the list's version; the first page's is the consistent one.
      resourceVersion ||= page.metadata?.resourceVersion ?? "";
    } while (token !== undefined);
    return { items, resourceVersion };
  }

  async get(
    plural: string,
    name: string,
    namespace?: string,
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined> {
    const info = kindInfo(plural);
    const path = resourcePath(info, info.namespaced ? namespace : undefined, name);
    const response = this.remember(
      await this.http.get(path, {
        ...(info.metadataOnly ? { accept: METADATA_ACCEPT } : {}),
        ...(signal ? { signal } : {}),
      }),
    );
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw statusError(response, `get ${plural}/${name}`);
    return normalize(parseJson<KubeObject>(response, `get ${plural}/${name}`), info, this.secrets);
  }

  async metrics(
    resource: "pods" | "nodes",
    options: { namespace?: string; signal?: AbortSignal } = {},
  ): Promise<KubeObject[]> {
    const what = `list ${resource}.metrics.k8s.io${options.namespace ? ` in ${options.namespace}` : ""}`;
    // metrics-server answers a whole list at once (it keeps only the latest scrape): no pages.
    const response = this.remember(
      await this.http.get(
        metricsPath(resource, options.namespace),
        options.signal ? { signal: options.signal } : {},
      ),
    );
    if (response.status !== 200) throw statusError(response, what);
    return normalizeMetrics(parseJson<{ items?: KubeObject[] | null }>(response, what).items ?? [], resource);
  }

  async podLog(namespace: string, pod: string, options: LogOptions = {}): Promise<string> {
    const path = `${resourcePath(kindInfo("pods"), namespace, pod)}/log`;
    const response = this.remember(
      await this.http.get(path, {
        query: {
          container: options.container,
          previous: options.previous ? true : undefined,
          tailLines: options.tailLines,
          limitBytes: options.limitBytes,
        },
        accept: "text/plain, */*",
        ...(options.limitBytes ? { maxBytes: options.limitBytes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    const what = `logs of ${namespace}/${pod}${options.container ? `[${options.container}]` : ""}`;
    if (response.status !== 200) throw statusError(response, what);
    return this.secrets.scrub(redactText(response.body), REDACTED);
  }

  async readyz(signal?: AbortSignal): Promise<string> {
    // The body lists each check whether the server is ready (200) or not (500): keep it either way.
    const response = this.remember(
      await this.http.get("/readyz", {
        query: { verbose: true },
        accept: "text/plain",
        ...(signal ? { signal } : {}),
      }),
    );
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      throw statusError(response, "read /readyz");
    }
    return response.body;
  }

  async version(signal?: AbortSignal): Promise<string> {
    const response = this.remember(await this.http.get("/version", signal ? { signal } : {}));
    if (response.status !== 200) throw statusError(response, "read /version");
    const body = parseJson<{ gitVersion?: string }>(response, "read /version");
    return body.gitVersion ?? "unknown";
  }

  async watch(
    plural: string,
    options: { namespace?: string; resourceVersion?: string; fieldSelector?: string; signal?: AbortSignal },
    onEvent: (event: WatchEvent) => void,
  ): Promise<void> {
    const info = kindInfo(plural);
    const path = resourcePath(info, info.namespaced ? options.namespace : undefined);
    const what = `watch ${plural}`;
    const response = await this.http
      .stream(
        path,
        {
          query: {
            watch: true,
            allowWatchBookmarks: true,
            resourceVersion: options.resourceVersion,
            fieldSelector: options.fieldSelector,
          },
          // A watch lives until the server ends it or the caller aborts; no per-request deadline.
          timeoutMs: 2_147_483_647,
          ...(info.metadataOnly ? { accept: METADATA_ACCEPT } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (line) => {
          let event: WatchEvent;
          try {
            event = JSON.parse(line) as WatchEvent;
          } catch {
            return;
          }
          if (event.type !== "ERROR" && event.type !== "BOOKMARK") normalize(event.object, info);
          onEvent(event);
        },
      )
      .catch((error: unknown) => {
        if (error instanceof ClusterError && error.code === "ABORTED") return undefined;
        throw error;
      });
    if (response && response.status !== 200) throw statusError(response, what);
  }
}

/** A read-only ClusterReader for the current context of a KubeConfig. */
export function createClusterReader(kc: KubeConfig, options: ReaderOptions = {}): KubeClusterReader {
  return new KubeReader(kc, options);
}
