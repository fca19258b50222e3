import type { KubeObject } from "../../domain/kube.js";
import { applyDefaults, initialStatus } from "../defaults.js";
import { groupVersion, type KindSpec } from "../kinds.js";
import { copyObject, finalizeMetadata, jsonEqual } from "../objects.js";
import { ApiError, conflict, invalid } from "../status.js";
import { validateObject } from "../validation.js";
import type { ResourceRequest, SimContext } from "./context.js";

/**
 * The part of create/update/patch that all of them share: server-owned metadata, defaulting,
 * status handling for kinds with a status subresource, validation, managedFields, no-op
 * detection, dry-run, and persisting followed by a model reconcile.
 */

/** The manager recorded in managedFields: ?fieldManager, else the client's User-Agent name. */
export function fieldManager(request: ResourceRequest): string {
  if (request.query.fieldManager) return request.query.fieldManager;
  const agent = request.request.headers["user-agent"] ?? "unknown";
  return agent.split("/")[0]!.trim() || "unknown";
}

function withManagedFields(
  object: KubeObject,
  spec: KindSpec,
  manager: string,
  operation: "Update" | "Apply",
  subresource: string | undefined,
  now: string,
): void {
  const entries = ((object.metadata.managedFields ?? []) as Record<string, unknown>[]).filter(
    (entry) =>
      !(entry.manager === manager && entry.operation === operation && entry.subresource === subresource),
  );
  const entry: Record<string, unknown> = {
    manager,
    operation,
    apiVersion: groupVersion(spec),
    time: now,
    fieldsType: "FieldsV1",
    fieldsV1: {},
  };
  if (subresource) entry.subresource = subresource;
  entries.push(entry);
  object.metadata.managedFields = entries;
}

/** Compares ignoring what changes on every write. */
function sameContent(left: KubeObject, right: KubeObject): boolean {
  const strip = (object: KubeObject) => ({
    ...object,
    metadata: { ...object.metadata, resourceVersion: undefined, managedFields: undefined },
  });
  return jsonEqual(strip(left), strip(right));
}

/** A Kubernetes object's apiVersion/kind as the route serves it. */
export function stampType(spec: KindSpec, object: KubeObject): void {
  object.apiVersion = groupVersion(spec);
  object.kind = spec.kind;
}

/** Options of one write. */
export interface WriteOptions {
  operation: "Create" | "Update" | "Apply";
  /** Writes through /status replace status only; the main resource keeps status. */
  subresource?: string;
}

/**
 * Finalizes `candidate` (a fresh object the caller owns) against `existing` and persists it
 * unless dry-run. Returns the object as stored (or as it would have been).
 */
export function commitWrite(
  context: SimContext,
  request: ResourceRequest,
  spec: KindSpec,
  candidate: KubeObject,
  existing: KubeObject | undefined,
  options: WriteOptions,
): KubeObject {
  const now = context.clock.now();
  stampType(spec, candidate);
  if (existing) {
    const expected = candidate.metadata.resourceVersion;
    if (expected && expected !== existing.metadata.resourceVersion)
      throw conflict(spec, existing.metadata.name ?? "");
    candidate.metadata.uid = existing.metadata.uid;
    candidate.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    candidate.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (existing.metadata.deletionTimestamp)
      candidate.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
    if (options.subresource === "status") {
      // A status write changes status only.
      const status = candidate.status;
      const metadata = candidate.metadata;
      Object.assign(candidate, copyObject(existing));
      candidate.metadata = { ...candidate.metadata, managedFields: metadata.managedFields };
      candidate.status = status;
    } else if (spec.statusSubresource) {
      candidate.status = existing.status === undefined ? undefined : copyObject(existing.status);
      if (candidate.status === undefined) delete candidate.status;
    }
  } else {
    delete candidate.metadata.resourceVersion;
    delete candidate.metadata.uid;
    delete candidate.metadata.creationTimestamp;
    delete candidate.metadata.deletionTimestamp;
    if (spec.statusSubresource) {
      const status = initialStatus(candidate);
      if (status === undefined) delete candidate.status;
      else candidate.status = status;
    }
  }
  // Objects loaded from state files were never defaulted; compare against their defaulted form so
  // that defaulting alone neither bumps generation nor counts as a forbidden pod change.
  let baseline = existing;
  if (options.subresource !== "status") {
    applyDefaults(candidate);
    if (existing) {
      baseline = copyObject(existing);
      applyDefaults(baseline);
    }
  }
  if (!candidate.metadata.name && candidate.metadata.generateName)
    finalizeMetadata(candidate, undefined, undefined, now, context.store.ids);
  const causes = validateObject(spec, candidate, baseline);
  if (causes.length > 0)
    throw invalid(spec, candidate.metadata.name ?? candidate.metadata.generateName ?? "", causes);
  finalizeMetadata(candidate, baseline, spec, now, context.store.ids);
  withManagedFields(
    candidate,
    spec,
    fieldManager(request),
    options.operation === "Apply" ? "Apply" : "Update",
    options.subresource,
    now,
  );
  if (existing && sameContent(existing, candidate)) return existing;
  if (request.dryRun) return candidate;
  const stored = context.store.write(candidate);
  context.reconcile();
  return stored;
}

/** Checks that a body is an object with metadata, and that its kind fits the route. */
export function asObject(spec: KindSpec, body: unknown, expectKind = spec.kind): KubeObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the body of the request was in an unknown format",
      reason: "BadRequest",
      code: 400,
    });
  }
  const object = body as KubeObject;
  if (object.kind !== undefined && object.kind !== expectKind) {
    throw new ApiError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `${object.kind} in version "${String(object.apiVersion ?? "")}" cannot be handled as a ${expectKind}: the kind does not match the resource`,
      reason: "BadRequest",
      code: 400,
    });
  }
  if (typeof object.metadata !== "object" || object.metadata === null) object.metadata = {};
  return object;
}
