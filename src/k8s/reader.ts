import type { KubeObject } from "../domain/kube.js";

/** A resource kind the reader can list, by its API coordinates. */
export interface KindInfo {
  /** "" for core. */
  group: string;
  version: string;
  /** Plural resource name as in the URL (pods, deployments…). */
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size for `limit`/`continue` pagination. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface LogOptions {
  container?: string;
  previous?: boolean;
  tailLines?: number;
  limitBytes?: number;
  signal?: AbortSignal;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject;
}

/**
 * Read-only access to a cluster: GET, LIST, WATCH, pod logs, /readyz, /version. There is no
 * method that can send a mutating request; the remediation executor holds the only writer.
 * Everything returned is redacted (secret-like values replaced) before it leaves the reader.
 */
export interface ClusterReader {
  /** All items of a kind (all pages), optionally in one namespace. */
  list(plural: string, options?: ListOptions): Promise<KubeObject[]>;
  /** Like `list`, plus the list's resourceVersion (to start a watch right after it). */
  listWithVersion?(
    plural: string,
    options?: ListOptions,
  ): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** One object, or undefined when it does not exist. */
  get(
    plural: string,
    name: string,
    namespace?: string,
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined>;
  /** Container log text (redacted). */
  podLog(namespace: string, pod: string, options?: LogOptions): Promise<string>;
  /** Body of /readyz?verbose, whatever the HTTP status. */
  readyz(signal?: AbortSignal): Promise<string>;
  version(signal?: AbortSignal): Promise<string>;
  /** Watch a kind from a resourceVersion; resolves when the watch ends. */
  watch(
    plural: string,
    options: { namespace?: string; resourceVersion?: string; fieldSelector?: string; signal?: AbortSignal },
    onEvent: (event: WatchEvent) => void,
  ): Promise<void>;
  /**
   * `metrics.k8s.io/v1beta1` PodMetrics (`pods`, in one namespace or all) or NodeMetrics
   * (`nodes`), as metrics-server serves them. Optional: a reader without it, or a cluster without
   * metrics-server (404, or 503 from an unavailable APIService), means "no usage data".
   */
  metrics?(
    resource: "pods" | "nodes",
    options?: { namespace?: string; signal?: AbortSignal },
  ): Promise<KubeObject[]>;
  /** Number of API requests sent so far. */
  readonly requestCount: number;
  /**
   * The API server's clock (its latest `Date` response header), RFC 3339. Snapshots are timed by
   * the server rather than the local clock so event ages are right even with clock skew, and a
   * simulated cluster's clock carries through.
   */
  serverTime?(): string | undefined;
}
