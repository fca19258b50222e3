import { isAllowed } from "../identities.js";
import { badRequest, forbidden, methodNotAllowed, pathNotFound } from "../status.js";
import { type Reply, type ResourceRequest, type SimContext, STREAMED } from "./context.js";
import { listObjects } from "./list.js";
import { getLog } from "./logs.js";
import { metricsReply } from "./metrics.js";
import { createObject, deleteObject, getObject, patchObject, updateObject } from "./resources.js";
import { accessReview } from "./review.js";
import type { ResourceRoute } from "./route.js";
import { getScale, patchScale, updateScale } from "./scale.js";
import { startWatch } from "./watch.js";

/** The Kubernetes verb of a request. */
export function verbOf(method: string, route: ResourceRoute, query: Record<string, string>): string {
  switch (method) {
    case "GET":
    case "HEAD":
      if (route.watchPath || query.watch === "true" || query.watch === "1") return "watch";
      return route.name === undefined ? "list" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return route.name === undefined ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

function checkSubresource(route: ResourceRoute, verb: string): void {
  const { spec, subresource } = route;
  if (subresource === undefined) return;
  const supported =
    (subresource === "log" && spec.kind === "Pod" && verb === "get") ||
    (subresource === "scale" && spec.scale === true && ["get", "update", "patch"].includes(verb)) ||
    (subresource === "status" &&
      spec.statusSubresource === true &&
      !spec.viewOf &&
      ["get", "update", "patch"].includes(verb));
  if (!supported) throw pathNotFound();
}

/** Authorizes and answers one resource request; watches stream and return STREAMED. */
export async function dispatchResource(
  context: SimContext,
  request: ResourceRequest,
  verb: string,
  watches: Set<() => void>,
): Promise<Reply | typeof STREAMED> {
  const { route, identity } = request;
  const { spec } = route;
  if (spec.namespaced && route.namespace === undefined && route.name !== undefined) throw pathNotFound();
  checkSubresource(route, verb);
  // Every authenticated identity may ask what it is allowed to do.
  if (spec.review) {
    if (verb === "create" && route.name === undefined) return accessReview(request);
    throw methodNotAllowed();
  }
  const access = {
    verb,
    group: spec.group,
    resource: spec.plural,
    ...(route.subresource ? { subresource: route.subresource } : {}),
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    ...(route.name !== undefined ? { name: route.name } : {}),
  };
  if (spec.metrics && context.metricsSource?.() === undefined) throw pathNotFound();
  if (!isAllowed(identity, { ...access, form: request.form }))
    throw forbidden({ user: identity.name, ...access });
  if (spec.metrics) return metricsReply(context, request, verb);
  if (request.query.dryRun !== undefined && request.query.dryRun !== "All") {
    throw badRequest(`dryRun: Unsupported value: "${request.query.dryRun}": supported values: "All"`);
  }
  switch (verb) {
    case "watch": {
      let stop: (() => void) | undefined;
      stop = startWatch(context, request, () => {
        if (stop) watches.delete(stop);
      });
      if (!request.response.writableEnded) watches.add(stop);
      return STREAMED;
    }
    case "list":
      return listObjects(context, request);
    case "get":
      if (route.subresource === "log") return getLog(context, request);
      if (route.subresource === "scale") return getScale(context, request);
      return getObject(context, request);
    case "create":
      if (route.name !== undefined) throw methodNotAllowed();
      return createObject(context, request);
    case "update":
      return route.subresource === "scale" ? updateScale(context, request) : updateObject(context, request);
    case "patch":
      return route.subresource === "scale" ? patchScale(context, request) : patchObject(context, request);
    case "delete":
      if (route.subresource) throw methodNotAllowed();
      return deleteObject(context, request);
    default:
      throw methodNotAllowed();
  }
}
