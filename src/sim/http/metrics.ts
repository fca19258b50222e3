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

function metricsObjects(context: SimContext, kind: string, namespace: string | undefined): KubeObject[] {
  if (context.metricsSource?.() === "recorded") return context.store.list(kind, namespace);
  return kind === "PodMetrics"
    ? (podMetrics(context.store, namespace) as KubeObject[])
    : (nodeMetrics(context.store) as KubeObject[]);
}
