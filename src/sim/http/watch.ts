import type { KubeObject } from "../../domain/kube.js";
import type { Change } from "../history.js";
import { groupVersion } from "../kinds.js";
import { badRequest, expired } from "../status.js";
import { tableColumns, tableRow } from "../table.js";
import type { ResourceRequest, SimContext } from "./context.js";
import { includeObject, matchesFilter, parseFilter, partialMetadata, viewOf } from "./list.js";
import { objectJson } from "./serialize.js";

/**
 * WATCH: newline-delimited JSON events over a chunked response. Starts with the current objects
 * as ADDED (no resourceVersion, or "0") or replays the kept history after a resourceVersion;
 * a version older than the history gets one ERROR event with a 410 Expired Status, as from a
 * compacted etcd. Filtered watches turn objects moving in or out of the filter into ADDED or
 * DELETED. Ends after `timeoutSeconds` or when the server closes.
 */

/** Default watch duration when the client names none (the real server picks 30-60 minutes). */
const DEFAULT_TIMEOUT_SECONDS = 30 * 60;
/** How often a bookmark is sent to clients that allow them. */
const BOOKMARK_INTERVAL_MS = 60_000;

type EventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** Starts a watch on `request`; returns a function that ends it (used on server close). */
export function startWatch(context: SimContext, request: ResourceRequest, onEnd: () => void): () => void {
  const { spec, namespace, name } = request.route;
  const { query, response } = request;
  const filter = parseFilter(spec, query, namespace, name);
  const bucket = spec.viewOf ?? spec.kind;
  const timeoutSeconds = query.timeoutSeconds ? Number(query.timeoutSeconds) : DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
    throw badRequest(`invalid value for timeoutSeconds: ${query.timeoutSeconds}`);
  const rvParam = query.resourceVersion;
  // sendInitialEvents (streaming lists) always starts from the current state.
  const fromVersion =
    rvParam === undefined || rvParam === "" || rvParam === "0" || query.sendInitialEvents === "true"
      ? undefined
      : Number(rvParam);
  if (fromVersion !== undefined && (!Number.isInteger(fromVersion) || fromVersion < 0)) {
    throw badRequest(`invalid resource version: ${rvParam}`);
  }
  const bookmarks = query.allowWatchBookmarks === "true";
  const nowMs = () => context.clock.nowMs();
  let tableHeaderSent = false;

  response.writeHead(200, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  // Clients wait for the headers before they consider the watch started; send them now.
  response.flushHeaders();
  request.finish(200);

  const encode = (object: KubeObject): string => {
    const served = viewOf(spec, object);
    if (request.form === "metadata") return JSON.stringify(partialMetadata(served));
    if (request.form === "table") {
      const table: Record<string, unknown> = {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion: served.metadata.resourceVersion },
      };
      if (!tableHeaderSent) table.columnDefinitions = tableColumns(spec.kind);
      tableHeaderSent = true;
      table.rows = [tableRow(spec.kind, served, nowMs(), includeObject(query))];
      return JSON.stringify(table);
    }
    return spec.viewOf ? JSON.stringify(served) : objectJson(served);
  };
  const send = (type: EventType, objectText: string) => {
    response.write(`{"type":"${type}","object":${objectText}}\n`);
  };
  const bookmark = (initialEnd = false) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(context.store.resourceVersion) };
    if (initialEnd) metadata.annotations = { "k8s.io/initial-events-end": "true" };
    send("BOOKMARK", JSON.stringify({ kind: spec.kind, apiVersion: groupVersion(spec), metadata }));
  };
  const matches = (object: KubeObject | undefined) =>
    object !== undefined && matchesFilter(filter, viewOf(spec, object));
  const deliver = (change: Change) => {
    if (change.bucket !== bucket) return;
    const now = matches(change.object);
    if (change.type === "ADDED") {
      if (now) send("ADDED", encode(change.object));
    } else if (change.type === "DELETED") {
      if (now || matches(change.previous)) send("DELETED", encode(change.object));
    } else {
      const before = matches(change.previous);
      if (now && before) send("MODIFIED", encode(change.object));
      else if (now) send("ADDED", encode(change.object));
      else if (before) send("DELETED", encode(change.object));
    }
  };

  let finished = false;
  let unsubscribe = () => {};
  const timers: NodeJS.Timeout[] = [];
  const end = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    if (!response.writableEnded) response.end();
    onEnd();
  };
  request.request.on("close", end);
  response.on("close", end);

  let replay: Change[] | undefined;
  if (fromVersion !== undefined) {
    replay = context.store.changesSince(fromVersion);
    if (!replay) {
      const status = expired(
        `too old resource version: ${fromVersion} (${context.store.historyFloor})`,
      ).status;
      send("ERROR", JSON.stringify(status));
      end();
      return end;
    }
  }
  // Subscribing and replaying happen in one synchronous step, so no change falls in between.
  unsubscribe = context.store.subscribe(deliver);
  if (replay) {
    for (const change of replay) deliver(change);
  } else {
    const { keys, start, end: stop } = context.store.keyRange(bucket, namespace);
    for (let index = start; index < stop; index++) {
      const object = context.store.at(bucket, keys[index]!);
      if (object && matches(object)) send("ADDED", encode(object));
    }
  }
  if (bookmarks) {
    bookmark(query.sendInitialEvents === "true");
    const interval = setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS);
    interval.unref();
    timers.push(interval);
  }
  const timeout = setTimeout(end, timeoutSeconds * 1000);
  timeout.unref();
  timers.push(timeout);
  return end;
}
