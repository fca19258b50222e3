import type { KubeEvent, KubeObject, Pod } from "../domain/kube.js";
import { emptySnapshot } from "../domain/snapshot.js";
import type { CollectionGap, PodLog, Snapshot } from "../domain/types.js";
import { ClusterError, errorMessage } from "../errors.js";
import { selectLogTargets } from "./failing-containers.js";
import { collectedKinds } from "./kinds.js";
import { readMetrics } from "./metrics-api.js";
import { runBounded } from "./pool.js";
import type { ClusterReader } from "./reader.js";

/** What to collect: one namespace, or every namespace. */
export type CollectScope =
  | { namespace: string; allNamespaces?: false }
  | { allNamespaces: true; namespace?: undefined };

/** Knobs of one collection; defaults keep a 50k-pod cluster to a few hundred requests. */
export interface CollectOptions {
  /** Recorded in the snapshot (context and server of a live cluster). */
  source?: Snapshot["source"];
  /** Requests in flight at once (default 6: enough to hide latency, gentle on the API server). */
  concurrency?: number;
  /** Failing containers whose logs are read (default 20). */
  maxLogs?: number;
  /** Bytes kept from the end of each log (default 16 KiB). */
  logBytes?: number;
  /** Lines asked from the server per log (default 300), so a chatty container is not streamed whole. */
  logTailLines?: number;
  /** Page size for lists (reader default when unset). */
  pageSize?: number;
  /**
   * Above this many events, Normal events older than `normalEventMaxAgeMs` are dropped (default
   * 5,000). Warning events are always kept, and recent Normal ones too: the engine needs them to
   * tell a recovered workload from a failing one.
   */
  maxEventsBeforeTrim?: number;
  /** Age beyond which Normal events may be trimmed (default 1 h). */
  normalEventMaxAgeMs?: number;
  /**
   * The cluster's "now", when the caller knows it better than the API server's `Date` header (an
   * in-process simulated cluster with its own clock). Default: the server's Date, else local time.
   */
  now?: string;
  signal?: AbortSignal;
  /** Only these plurals (a focused read, such as the change timeline's); default every collected kind. */
  kinds?: string[];
}

/** Turns a failed read into a gap; an unreachable cluster (or a cancelled run) stays an error. */
function toGap(error: unknown, resource: string, action: string, namespace?: string): CollectionGap {
  if (error instanceof ClusterError && (error.code === "CLUSTER_UNREACHABLE" || error.code === "ABORTED")) {
    throw error;
  }
  const where = namespace ? ` in ${namespace}` : "";
  const code = error instanceof ClusterError ? error.code : "";
  const reason: CollectionGap["reason"] =
    code === "FORBIDDEN" || code === "UNAUTHORIZED"
      ? "forbidden"
      : code === "TIMEOUT"
        ? "timeout"
        : code === "NOT_FOUND"
          ? "not-found"
          : "error";
  const lead =
    reason === "forbidden"
      ? `no permission to ${action} ${resource}${where}`
      : reason === "timeout"
        ? `could not ${action} ${resource}${where} in time`
        : reason === "not-found"
          ? `${resource} is not served by this cluster`
          : `could not ${action} ${resource}${where}`;
  return {
    resource,
    ...(namespace ? { namespace } : {}),
    reason,
    message: `${lead}: ${errorMessage(error)}`,
  };
}

function eventTime(event: KubeEvent): number {
  const stamp =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return stamp ? Date.parse(stamp) : Number.NaN;
}

/** Drops old Normal events on very busy scopes (see {@link CollectOptions.maxEventsBeforeTrim}). */
export function trimEvents(
  events: KubeEvent[],
  now: string,
  maxEvents: number,
  maxAgeMs: number,
): KubeEvent[] {
  if (events.length <= maxEvents) return events;
  const cutoff = Date.parse(now) - maxAgeMs;
  return events.filter((event) => event.type !== "Normal" || !(eventTime(event) < cutoff));
}

/**
 * Collects one read-only snapshot: `/version` first (so an unreachable cluster fails fast and
 * clearly), then one paginated list per kind per scope plus `/readyz?verbose`, then the capped
 * logs of failing containers. Requests grow with pages, never with pods; Secrets are listed as
 * metadata only (PartialObjectMetadataList: no data ever crosses the wire).
 * Anything unreadable becomes a gap in the snapshot.
 */
export async function collectSnapshot(
  reader: ClusterReader,
  scope: CollectScope,
  options: CollectOptions = {},
): Promise<Snapshot> {
  const namespace = scope.allNamespaces ? undefined : scope.namespace;
  const snapshot = emptySnapshot({
    collectedAt: "",
    scope: { ...(namespace ? { namespace } : {}), allNamespaces: namespace === undefined },
    source: options.source ?? { type: "live" },
  });
  const startRequests = reader.requestCount;
  const signal = options.signal;
  const withSignal = signal ? { signal } : {};

  try {
    snapshot.serverVersion = await reader.version(signal);
  } catch (error) {
    // A server that does not answer the cheapest request, or rejects our credentials, would turn
    // every list into the same failure after a timeout each: say so once, now.
    if (error instanceof ClusterError && error.code === "TIMEOUT") {
      throw new ClusterError("CLUSTER_UNREACHABLE", `cannot reach the cluster: ${error.message}`, {
        cause: error,
      });
    }
    if (error instanceof ClusterError && error.code === "UNAUTHORIZED") {
      throw new ClusterError("UNAUTHORIZED", `the cluster rejected the credentials: ${error.message}`, {
        cause: error,
        permanent: true,
      });
    }
    snapshot.gaps.push(toGap(error, "version", "read"));
  }

  const tasks: (() => Promise<void>)[] = [];
  if (!options.kinds) {
    tasks.push(async () => {
      try {
        snapshot.readyz = await reader.readyz(signal);
      } catch (error) {
        snapshot.gaps.push(toGap(error, "readyz", "read"));
      }
    });
  }
  const only = options.kinds ? new Set(options.kinds) : undefined;
  for (const kind of collectedKinds()) {
    if (only && !only.has(kind.plural)) continue;
    const listNamespace = kind.namespaced && !kind.allNamespaces ? namespace : undefined;
    tasks.push(async () => {
      try {
        const items = await reader.list(kind.plural, {
          ...(listNamespace ? { namespace: listNamespace } : {}),
          ...(options.pageSize ? { pageSize: options.pageSize } : {}),
          ...withSignal,
        });
        (snapshot[kind.snapshotKey] as KubeObject[]) = items;
      } catch (error) {
        // An extension kind the cluster does not serve (no Argo CD, no Flux) is simply absent.
        if (kind.optional && error instanceof ClusterError && error.code === "NOT_FOUND") return;
        snapshot.gaps.push(toGap(error, kind.plural, "list", listNamespace));
      }
    });
  }
  if (!options.kinds) {
    // Usage from metrics-server, when the cluster serves it; its absence is said, never a failure.
    tasks.push(async () => {
      const read = await readMetrics(reader, namespace, signal);
      if (read.podMetrics) snapshot.podMetrics = read.podMetrics;
      if (read.nodeMetrics) snapshot.nodeMetrics = read.nodeMetrics;
      snapshot.metricsServer = read.status;
      if (read.error) snapshot.gaps.push(toGap(read.error, "metrics.k8s.io", "read", namespace));
    });
  }
  await runBounded(tasks, options.concurrency ?? 6);

  snapshot.collectedAt = options.now ?? reader.serverTime?.() ?? new Date().toISOString();
  snapshot.events = trimEvents(
    snapshot.events,
    snapshot.collectedAt,
    options.maxEventsBeforeTrim ?? 5_000,
    options.normalEventMaxAgeMs ?? 3_600_000,
  );
  snapshot.logs = await collectLogs(reader, snapshot.pods, options, snapshot.gaps);
  snapshot.gaps.sort(
    (a, b) => a.resource.localeCompare(b.resource) || (a.namespace ?? "").localeCompare(b.namespace ?? ""),
  );
  snapshot.requestCount = reader.requestCount - startRequests;
  return snapshot;
}

async function collectLogs(
  reader: ClusterReader,
  pods: readonly Pod[],
  options: CollectOptions,
  gaps: CollectionGap[],
): Promise<PodLog[]> {
  const maxBytes = options.logBytes ?? 16 * 1024;
  const targets = selectLogTargets(pods, options.maxLogs ?? 20);
  const logs = await runBounded(
    targets.map((target) => async (): Promise<PodLog | undefined> => {
      try {
        const text = await reader.podLog(target.namespace, target.pod, {
          container: target.container,
          previous: target.previous,
          tailLines: options.logTailLines ?? 300,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        return {
          namespace: target.namespace,
          pod: target.pod,
          container: target.container,
          previous: target.previous,
          text: tail(text, maxBytes),
        };
      } catch (error) {
        const gap = toGap(error, "logs", "read", target.namespace);
        gap.message = gap.message.replace(
          /^([^:]*)logs/,
          `$1logs of ${target.pod}/${target.container}${target.previous ? " (previous)" : ""}`,
        );
        gaps.push(gap);
        return undefined;
      }
    }),
    options.concurrency ?? 6,
  );
  return logs.filter((log): log is PodLog => log !== undefined);
}

/** The last `maxBytes` of a text, cut at a line start so no half line leads. */
export function tail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const cut = bytes.subarray(bytes.length - maxBytes).toString("utf8");
  const newline = cut.indexOf("\n");
  return newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
}
