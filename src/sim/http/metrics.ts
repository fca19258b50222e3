import type { KubeObject } from "../../domain/kube.js";
import { nodeMetrics, podMetrics } from "../metrics-server.js";
import { methodNotAllowed, notFound } from "../status.js";
import { renderTable } from "../table.js";
import type { Reply, ResourceRequest, SimContext } from "./context.js";
import { includeObject, matchesFilter, parseFilter } from "./list.js";

/**
 * `metrics.k8s.io/v1beta1` answers: list and get of PodMetrics and NodeMetrics, from the simulated
 * metrics-server or from what a state file recorded. Like the real aggregated API there is no
 * watch, no write and no pagination (it holds only the latest scrape).
 */
export function metricsReply(context: SimContext, request: ResourceRequest, verb: string): Reply {
  const { spec, namespace, name } = request.route;
  if (verb !== "list" && verb !== "get") throw methodNotAllowed();
  if (request.route.subresource !== undefined) throw methodNotAllowed();
  const items = metricsObjects(context, spec.kind, namespace);
  const now = context.clock.nowMs();
  if (verb === "get") {
    const found = items.find((item) => item.metadata.name === name);
    // metrics-server's own words: `podmetrics.metrics.k8s.io "prod-api/web-1" not found`.
    if (!found) {
      const named = namespace !== undefined ? `${namespace}/${name ?? ""}` : (name ?? "");
      throw notFound({ group: spec.group, plural: spec.singular }, named);
    }
    if (request.form === "table") {
      return { status: 200, body: renderTable(spec.kind, [found], now, includeObject(request.query), {}) };
    }
    return { status: 200, body: found };
  }
  const filter = parseFilter(spec, request.query, namespace);
  const matching = items.filter((item) => matchesFilter(filter, item));
  const metadata = {};
  if (request.form === "table") {
    return {
      status: 200,
      body: renderTable(spec.kind, matching, now, includeObject(request.query), metadata),
    };
  }
  return {
    status: 200,
    body: { kind: `${spec.kind}List`, apiVersion: "metrics.k8s.io/v1beta1", metadata, items: matching },
  };
}

/** The store read in place (no copies): metrics are computed from pods, never written back. */
function storedObjects(context: SimContext, kind: string, namespace?: string): KubeObject[] {
  const { keys, start, end } = context.store.keyRange(kind, namespace);
  const objects: KubeObject[] = [];
  for (let index = start; index < end; index++) {
    const object = context.store.at(kind, keys[index] as string);
    if (object) objects.push(object);
  }
  return objects;
}

function metricsObjects(context: SimContext, kind: string, namespace: string | undefined): KubeObject[] {
  if (context.metricsSource?.() === "recorded") return storedObjects(context, kind, namespace);
  const view = {
    now: () => context.clock.now(),
    list: (k: string, ns?: string) => storedObjects(context, k, ns),
  };
  return kind === "PodMetrics"
    ? (podMetrics(view, namespace) as KubeObject[])
    : (nodeMetrics(view) as KubeObject[]);
}
