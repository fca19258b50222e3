import { type KindSpec, kindByRoute } from "../kinds.js";

/**
 * Parses an API path into what it names: a discovery document, a resource collection or object
 * (with namespace, name, subresource), or `undefined` for paths the server does not serve.
 */

/** A resource request path. */
export interface ResourceRoute {
  type: "resource";
  spec: KindSpec;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy `/watch/` path prefix. */
  watchPath: boolean;
}

/** A discovery request path. */
export type DiscoveryRoute =
  | { type: "core-versions" }
  | { type: "groups" }
  | { type: "group"; group: string }
  | { type: "resources"; group: string; version: string };

export type Route = ResourceRoute | DiscoveryRoute;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route of an `/api` or `/apis` path, or undefined. */
export function parseRoute(pathname: string): Route | undefined {
  const segments = pathname.split("/").filter(Boolean).map(decode);
  let group = "";
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === "api") {
    if (segments.length === 1) return { type: "core-versions" };
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === "apis") {
    if (segments.length === 1) return { type: "groups" };
    group = segments[1]!;
    if (segments.length === 2) return { type: "group", group };
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (!version) return undefined;
  if (rest.length === 0) return { type: "resources", group, version };
  const apiVersion = group ? `${group}/${version}` : version;
  let watchPath = false;
  if (rest[0] === "watch") {
    watchPath = true;
    rest = rest.slice(1);
  }
  // namespaces/<ns>/<plural>/... is namespaced only when <plural> is a namespaced resource here;
  // otherwise it is the Namespace object itself (namespaces/<ns>/status).
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const spec = kindByRoute(apiVersion, rest[2]!);
    if (spec?.namespaced) {
      if (rest.length > 5) return undefined;
      return withParts({ type: "resource", spec, namespace: rest[1]!, watchPath }, rest[3], rest[4]);
    }
  }
  const spec = kindByRoute(apiVersion, rest[0]!);
  if (!spec || rest.length > 3) return undefined;
  return withParts({ type: "resource", spec, watchPath }, rest[1], rest[2]);
}

function withParts(
  route: ResourceRoute,
  name: string | undefined,
  subresource: string | undefined,
): ResourceRoute {
  if (name !== undefined) route.name = name;
  if (subresource !== undefined) route.subresource = subresource;
  return route;
}
