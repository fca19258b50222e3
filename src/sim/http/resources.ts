import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../../domain/kube.js";
import { copyObject } from "../objects.js";
import { applyPatch, PatchError, patchTypeOf } from "../patch.js";
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from "../status.js";
import type { Propagation } from "../store.js";
import { renderTable } from "../table.js";
import type { Reply, ResourceRequest, SimContext } from "./context.js";
import { includeObject, partialMetadata, viewOf } from "./list.js";
import { parseBody, readBody } from "./negotiate.js";
import { objectJson } from "./serialize.js";
import { asObject, commitWrite } from "./write.js";

/** GET/POST/PUT/PATCH/DELETE of single objects (main resource and /status). */

function namespaceOf(request: ResourceRequest): string {
  return request.route.namespace ?? "";
}

function existingOrNotFound(context: SimContext, request: ResourceRequest): KubeObject {
  const { spec, name = "" } = request.route;
  const stored = context.store.getStored(spec.viewOf ?? spec.kind, namespaceOf(request), name);
  if (!stored) throw notFound(spec, name);
  return stored;
}

/** Encodes one object in the negotiated form. */
export function objectReply(
  context: SimContext,
  request: ResourceRequest,
  status: number,
  object: KubeObject,
): Reply {
  const { spec } = request.route;
  const served = viewOf(spec, object);
  if (request.form === "table") {
    const meta = { resourceVersion: object.metadata.resourceVersion ?? "" };
    return {
      status,
      body: renderTable(spec.kind, [served], context.clock.nowMs(), includeObject(request.query), meta),
    };
  }
  if (request.form === "metadata") return { status, body: partialMetadata(served) };
  return spec.viewOf ? { status, body: served } : { status, raw: objectJson(served) };
}

export function getObject(context: SimContext, request: ResourceRequest): Reply {
  return objectReply(context, request, 200, existingOrNotFound(context, request));
}

function checkIdentity(request: ResourceRequest, object: KubeObject, requireName: boolean): void {
  const { spec, namespace, name } = request.route;
  if (spec.namespaced) {
    if (object.metadata.namespace && object.metadata.namespace !== namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    object.metadata.namespace = namespace;
  } else {
    delete object.metadata.namespace;
  }
  if (requireName && name !== undefined) {
    if (object.metadata.name && object.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    object.metadata.name = name;
  }
}

function requireNamespace(context: SimContext, request: ResourceRequest): void {
  const namespace = request.route.namespace;
  if (namespace && !context.store.namespaceExists(namespace))
    throw notFound({ group: "", plural: "namespaces" }, namespace);
}

async function bodyOf(request: ResourceRequest): Promise<unknown> {
  return parseBody(await readBody(request.request), request.request.headers["content-type"]);
}

export async function createObject(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const { spec } = request.route;
  if (spec.viewOf) throw methodNotAllowed();
  if (spec.namespaced && request.route.namespace === undefined) throw methodNotAllowed();
  const object = copyObject(asObject(spec, await bodyOf(request)));
  checkIdentity(request, object, false);
  requireNamespace(context, request);
  const name = object.metadata.name;
  if (name && context.store.getStored(spec.kind, namespaceOf(request), name)) {
    throw alreadyExists(spec, name);
  }
  const stored = commitWrite(context, request, spec, object, undefined, { operation: "Create" });
  return objectReply(context, request, 201, stored);
}

export async function updateObject(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const { spec, subresource } = request.route;
  if (spec.viewOf) throw methodNotAllowed();
  const existing = existingOrNotFound(context, request);
  const object = copyObject(asObject(spec, await bodyOf(request)));
  checkIdentity(request, object, true);
  const options =
    subresource === "status"
      ? { operation: "Update" as const, subresource }
      : { operation: "Update" as const };
  return objectReply(context, request, 200, commitWrite(context, request, spec, object, existing, options));
}

/** Parses a PATCH body by its content type; apply patches are YAML (JSON is YAML too). */
export async function patchBody(
  request: ResourceRequest,
): Promise<{ type: NonNullable<ReturnType<typeof patchTypeOf>>; patch: unknown }> {
  const contentType = request.request.headers["content-type"];
  const type = patchTypeOf(contentType);
  if (!type) {
    throw unsupportedMediaType(contentType ?? "", [
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/apply-patch+yaml",
      "application/strategic-merge-patch+json",
    ]);
  }
  const text = await readBody(request.request);
  try {
    return { type, patch: type === "apply" ? parseYaml(text) : JSON.parse(text) };
  } catch (error) {
    throw badRequest(
      `error decoding patch: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
}

/** Applies a patch to a base object; 422 when the patch does not apply. */
export function patched(
  base: unknown,
  type: Parameters<typeof applyPatch>[0],
  patch: unknown,
  kind: string,
  name: string,
): unknown {
  try {
    return applyPatch(type, base, patch);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new ApiError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `${kind} "${name}" is invalid: ${error.message}`,
      reason: "Invalid",
      code: 422,
    });
  }
}

export async function patchObject(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const { spec, subresource, name = "" } = request.route;
  if (spec.viewOf) throw methodNotAllowed();
  const { type, patch } = await patchBody(request);
  if (type === "apply" && !request.query.fieldManager) {
    throw new ApiError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "PATCH /apply requires fieldManager",
      reason: "BadRequest",
      code: 400,
    });
  }
  const existing = context.store.getStored(spec.kind, namespaceOf(request), name);
  if (!existing) {
    if (type !== "apply" || subresource) throw notFound(spec, name);
    // Server-side apply creates what does not exist yet.
    const object = copyObject(asObject(spec, patch));
    checkIdentity(request, object, true);
    requireNamespace(context, request);
    return objectReply(
      context,
      request,
      201,
      commitWrite(context, request, spec, object, undefined, { operation: "Apply" }),
    );
  }
  const result = asObject(spec, patched(copyObject(existing), type, patch, spec.kind, name));
  const requested = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  if (type !== "json" && typeof requested === "string" && requested !== existing.metadata.resourceVersion) {
    throw conflict(spec, name);
  }
  // A JSON patch cannot carry a precondition this way; the stored version is the base.
  if (type === "json" || requested === undefined)
    result.metadata.resourceVersion = existing.metadata.resourceVersion;
  checkIdentity(request, result, true);
  const operation = type === "apply" ? ("Apply" as const) : ("Update" as const);
  const options = subresource === "status" ? { operation, subresource } : { operation };
  return objectReply(context, request, 200, commitWrite(context, request, spec, result, existing, options));
}

interface DeleteOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export async function deleteObject(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const { spec, name = "" } = request.route;
  if (spec.viewOf) throw methodNotAllowed();
  const existing = existingOrNotFound(context, request);
  const text = await readBody(request.request);
  const options: DeleteOptions = text.trim()
    ? (parseBody(text, request.request.headers["content-type"]) as DeleteOptions)
    : {};
  const preconditions = options.preconditions ?? {};
  if (preconditions.uid && preconditions.uid !== existing.metadata.uid) {
    throw conflict(
      spec,
      name,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${existing.metadata.uid ?? ""}`,
    );
  }
  if (preconditions.resourceVersion && preconditions.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(
      spec,
      name,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ""}`,
    );
  }
  const policy = request.query.propagationPolicy ?? options.propagationPolicy;
  const orphan =
    policy === "Orphan" || options.orphanDependents === true || request.query.orphanDependents === "true";
  const propagation: Propagation = orphan ? "Orphan" : policy === "Foreground" ? "Foreground" : "Background";
  const dryRun = request.dryRun || (options.dryRun ?? []).includes("All");
  const deleted = dryRun
    ? existing
    : context.store.delete(spec.kind, namespaceOf(request), name, propagation);
  if (!dryRun) context.reconcile();
  if (spec.kind === "Pod" || spec.kind === "Namespace") {
    const shown = copyObject(deleted ?? existing);
    shown.metadata.deletionTimestamp = context.clock.now();
    if (spec.kind === "Pod") shown.metadata.deletionGracePeriodSeconds = 0;
    return objectReply(context, request, 200, shown);
  }
  return {
    status: 200,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: {
        name,
        ...(spec.group ? { group: spec.group } : {}),
        kind: spec.plural,
        uid: existing.metadata.uid,
      },
    },
  };
}
