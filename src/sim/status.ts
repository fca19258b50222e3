import type { KindSpec } from "./kinds.js";
import { qualifiedResource } from "./kinds.js";

/**
 * `meta/v1 Status` failure bodies with the reasons, codes and messages the real API server uses,
 * so clients (client-node's ApiException, kubectl's error printing) behave as against a cluster.
 */

/** One cause of a 422 Invalid. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** The JSON body of a failed request. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An API failure carrying its Status body; handlers throw it and the server writes it. */
export class ApiError extends Error {
  readonly status: StatusBody;
  constructor(status: StatusBody) {
    super(status.message);
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
}

function body(code: number, reason: string, message: string, details?: StatusBody["details"]): StatusBody {
  const status: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) status.details = details;
  return status;
}

function details(spec: Pick<KindSpec, "group" | "plural">, name?: string): StatusBody["details"] {
  const result: NonNullable<StatusBody["details"]> = {};
  if (name !== undefined) result.name = name;
  if (spec.group) result.group = spec.group;
  result.kind = spec.plural;
  return result;
}

/** 404 `pods "x" not found`. */
export function notFound(spec: Pick<KindSpec, "group" | "plural">, name: string): ApiError {
  return new ApiError(
    body(404, "NotFound", `${qualifiedResource(spec)} "${name}" not found`, details(spec, name)),
  );
}

/** 404 for a path the server does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError(body(404, "NotFound", "the server could not find the requested resource", {}));
}

/** 409 `pods "x" already exists`. */
export function alreadyExists(spec: Pick<KindSpec, "group" | "plural">, name: string): ApiError {
  return new ApiError(
    body(409, "AlreadyExists", `${qualifiedResource(spec)} "${name}" already exists`, details(spec, name)),
  );
}

/** 409 optimistic-concurrency conflict. */
export function conflict(spec: Pick<KindSpec, "group" | "plural">, name: string, why?: string): ApiError {
  const reason =
    why ?? "the object has been modified; please apply your changes to the latest version and try again";
  return new ApiError(
    body(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualifiedResource(spec)} "${name}": ${reason}`,
      details(spec, name),
    ),
  );
}

/** 422 with field causes; the message lists them like the real server. */
export function invalid(
  spec: Pick<KindSpec, "group" | "kind">,
  name: string,
  causes: StatusCause[],
): ApiError {
  const rendered = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const list = rendered.length === 1 ? rendered[0] : `[${rendered.join(", ")}]`;
  const result: NonNullable<StatusBody["details"]> = { name };
  if (spec.group) result.group = spec.group;
  result.kind = spec.kind;
  result.causes = causes;
  return new ApiError(
    body(
      422,
      "Invalid",
      `${spec.kind}${spec.group ? `.${spec.group}` : ""} "${name}" is invalid: ${list}`,
      result,
    ),
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(body(400, "BadRequest", message));
}

/** 401 for a missing or unknown bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(body(401, "Unauthorized", "Unauthorized"));
}

/** 403 in the exact wording of the RBAC authorizer. */
export function forbidden(options: {
  user: string;
  verb: string;
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}): ApiError {
  const resource = options.subresource ? `${options.resource}/${options.subresource}` : options.resource;
  const qualified = options.group ? `${options.resource}.${options.group}` : options.resource;
  const subject = options.name ? `${qualified} "${options.name}"` : qualified;
  const scope = options.namespace ? `in the namespace "${options.namespace}"` : "at the cluster scope";
  const message = `${subject} is forbidden: User "${options.user}" cannot ${options.verb} resource "${resource}" in API group "${options.group}" ${scope}`;
  const result: NonNullable<StatusBody["details"]> = {};
  if (options.name) result.name = options.name;
  if (options.group) result.group = options.group;
  result.kind = options.resource;
  return new ApiError(body(403, "Forbidden", message, result));
}

/** 403 for a non-resource URL. */
export function forbiddenPath(user: string, verb: string, path: string): ApiError {
  return new ApiError(body(403, "Forbidden", `forbidden: User "${user}" cannot ${verb} path "${path}"`, {}));
}

/** 405 for a verb a resource does not support. */
export function methodNotAllowed(
  message = "the server does not allow this method on the requested resource",
): ApiError {
  return new ApiError(body(405, "MethodNotAllowed", message, {}));
}

/** 406 when the client accepts no media type we can produce. */
export function notAcceptable(): ApiError {
  return new ApiError(
    body(
      406,
      "NotAcceptable",
      "only the following media types are accepted: application/json, application/yaml",
      {},
    ),
  );
}

/** 410 Gone for a resourceVersion older than the kept history. */
export function expired(message: string): ApiError {
  return new ApiError(body(410, "Expired", message, {}));
}

/** 413 for a request body over the limit. */
export function tooLarge(): ApiError {
  return new ApiError(body(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", {}));
}

/** 415 for a body content type we do not understand (protobuf, CBOR, unknown patch types). */
export function unsupportedMediaType(type: string, accepted: string[]): ApiError {
  return new ApiError(
    body(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")} (got ${type})`,
      {},
    ),
  );
}

/** 500 for an unexpected failure inside the server. */
export function internal(message: string): ApiError {
  return new ApiError(body(500, "InternalError", `Internal error occurred: ${message}`, {}));
}
