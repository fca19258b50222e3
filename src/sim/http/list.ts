import type { KubeObject } from "../../domain/kube.js";
import { toEventsV1 } from "../event-view.js";
import type { KindSpec } from "../kinds.js";
import {
  type FieldRequirement,
  type LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../selectors.js";
import { badRequest } from "../status.js";
import type { IncludeObject } from "../table.js";
import { renderTable } from "../table.js";
import type { Reply, ResourceRequest, SimContext } from "./context.js";
import { decodeContinue, encodeContinue } from "./continue-token.js";
import { listJson } from "./serialize.js";

/** The filter of a list or watch request: namespace, label and field selectors. */
export interface ObjectFilter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldRequirement[];
}

/** Field labels every kind accepts. */
const COMMON_FIELDS = new Set(["metadata.name", "metadata.namespace"]);

/** Parses ?labelSelector/?fieldSelector for a kind; 400 on syntax errors or unsupported fields. */
export function parseFilter(
  spec: KindSpec,
  query: Record<string, string>,
  namespace?: string,
  name?: string,
): ObjectFilter {
  try {
    const supported = (field: string) => COMMON_FIELDS.has(field) || (spec.fieldLabels ?? []).includes(field);
    const fields = parseFieldSelector(query.fieldSelector, supported).map((requirement) =>
      // The Event "source" field label means source.component.
      requirement.field === "source" ? { ...requirement, field: "source.component" } : requirement,
    );
    if (name !== undefined) fields.push({ field: "metadata.name", op: "=", value: name });
    const filter: ObjectFilter = { labels: parseLabelSelector(query.labelSelector), fields };
    if (namespace !== undefined) filter.namespace = namespace;
    return filter;
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

/** True when a (viewed) object passes the filter. */
export function matchesFilter(filter: ObjectFilter, object: KubeObject): boolean {
  if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
  if (filter.labels.length > 0 && !matchesLabels(filter.labels, object.metadata.labels)) return false;
  return filter.fields.length === 0 || matchesFields(filter.fields, withFieldDefaults(object));
}

// Some field labels have values when the field is absent (spec.unschedulable=false).
function withFieldDefaults(object: KubeObject): KubeObject {
  if (
    object.kind === "Node" &&
    (object.spec as { unschedulable?: boolean } | undefined)?.unschedulable === undefined
  ) {
    return { ...object, spec: { ...(object.spec as object), unschedulable: false } };
  }
  return object;
}

/** The object as served for the route's kind (views convert the stored object). */
export function viewOf(spec: KindSpec, object: KubeObject): KubeObject {
  return spec.viewOf ? toEventsV1(object) : object;
}

/** `?includeObject=` for Tables (default Metadata, as the real server). */
export function includeObject(query: Record<string, string>): IncludeObject {
  const value = query.includeObject;
  return value === "None" || value === "Object" ? value : "Metadata";
}

/** PartialObjectMetadata of an object. */
export function partialMetadata(object: KubeObject): KubeObject {
  return { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: object.metadata };
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === "") return 0;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid value for limit: ${value}`);
  return limit;
}

/**
 * LIST: walks the kind's sorted keys once from the continue position, filtering as it goes,
 * and stops after `limit` matches. The page is encoded in one pass from cached object JSON.
 */
export function listObjects(context: SimContext, request: ResourceRequest): Reply {
  const { spec, namespace } = request.route;
  const filter = parseFilter(spec, request.query, namespace);
  const limit = parseLimit(request.query.limit);
  const token = request.query.continue ? decodeContinue(request.query.continue) : undefined;
  const bucket = spec.viewOf ?? spec.kind;
  const listVersion = token?.rv ?? context.store.resourceVersion;
  const { keys, start, end } = context.store.keyRange(bucket, namespace, token?.start);
  const items: KubeObject[] = [];
  let next: string | undefined;
  let remaining: number | undefined;
  const unfiltered = filter.labels.length === 0 && filter.fields.length === 0;
  for (let index = start; index < end; index++) {
    const key = keys[index]!;
    const stored = context.store.at(bucket, key);
    if (!stored) continue;
    const object = viewOf(spec, stored);
    if (!matchesFilter(filter, object)) continue;
    items.push(object);
    if (limit > 0 && items.length === limit) {
      if (index + 1 < end) {
        next = encodeContinue(listVersion, key);
        if (unfiltered) remaining = end - index - 1;
      }
      break;
    }
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(listVersion) };
  if (next) metadata.continue = next;
  if (remaining !== undefined) metadata.remainingItemCount = remaining;
  if (request.form === "table") {
    return {
      status: 200,
      body: renderTable(spec.kind, items, context.clock.nowMs(), includeObject(request.query), metadata),
    };
  }
  if (request.form === "metadata") {
    const envelope = { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata };
    return { status: 200, raw: listJson(envelope, items.map(partialMetadata), false) };
  }
  const envelope = {
    kind: `${spec.kind}List`,
    apiVersion: spec.group ? `${spec.group}/${spec.version}` : spec.version,
    metadata,
  };
  return { status: 200, raw: listJson(envelope, items, !spec.viewOf) };
}
