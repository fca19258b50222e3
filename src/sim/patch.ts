/**
 * The four PATCH flavours of the Kubernetes API over plain JSON values: RFC 6902 JSON patch,
 * RFC 7386 merge patch, strategic merge patch (lists of named things merge by their key) and
 * server-side apply (approximated as a strategic merge; the manager lands in managedFields).
 */

/** A patch that cannot be applied (bad document, failed `test`, missing path). */
export class PatchError extends Error {}

/** Content types the server accepts on PATCH. */
export type PatchType = "json" | "merge" | "strategic" | "apply";

/** Maps a PATCH Content-Type to its patch type. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  switch (type) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
    case "application/apply-patch+cbor":
      return "apply";
    default:
      return undefined;
  }
}

type Json = unknown;
type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

// --- RFC 6902 ---

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function arrayIndex(array: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === "-") return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > array.length || (!forInsert && index === array.length))
    throw new PatchError(`array index ${index} out of range`);
  return index;
}

function resolveParent(
  document: Json,
  tokens: string[],
  path: string,
): { parent: JsonRecord | unknown[]; last: string } {
  let current: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, false)];
    else if (isRecord(current) && token in current) current = current[token];
    else throw new PatchError(`doc is missing path: "${path}"`);
  }
  if (!Array.isArray(current) && !isRecord(current)) throw new PatchError(`doc is missing path: "${path}"`);
  return { parent: current, last: tokens[tokens.length - 1]! };
}

function getAt(document: Json, path: string): Json {
  let current: unknown = document;
  for (const token of parsePointer(path)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, false)];
    else if (isRecord(current) && token in current) current = current[token];
    else throw new PatchError(`doc is missing path: "${path}"`);
  }
  return current;
}

function addAt(document: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, last } = resolveParent(document, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, clone(value));
  else parent[last] = clone(value);
  return document;
}

function removeAt(document: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError("cannot remove the whole document");
  const { parent, last } = resolveParent(document, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else if (last in parent) delete parent[last];
  else throw new PatchError(`unable to remove nonexistent key: ${last}: missing value`);
  return document;
}

/** Applies an RFC 6902 patch; returns the new document (the input is copied first). */
export function applyJsonPatch(original: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError("a JSON patch must be an array of operations");
  let document = clone(original);
  for (const operation of patch) {
    if (!isRecord(operation) || typeof operation.op !== "string" || typeof operation.path !== "string") {
      throw new PatchError(`invalid JSON patch operation: ${JSON.stringify(operation)}`);
    }
    const { op, path } = operation;
    switch (op) {
      case "add":
        document = addAt(document, path, operation.value);
        break;
      case "remove":
        document = removeAt(document, path);
        break;
      case "replace":
        getAt(document, path);
        document = addAt(removeAt(document, path), path, operation.value);
        break;
      case "move":
      case "copy": {
        if (typeof operation.from !== "string") throw new PatchError(`${op} needs "from"`);
        const value = clone(getAt(document, operation.from));
        if (op === "move") document = removeAt(document, operation.from);
        document = addAt(document, path, value);
        break;
      }
      case "test":
        if (JSON.stringify(getAt(document, path)) !== JSON.stringify(operation.value)) {
          throw new PatchError(`testing value ${path} failed: test failed`);
        }
        break;
      default:
        throw new PatchError(`unexpected kind: ${op}`);
    }
  }
  return document;
}

// --- RFC 7386 ---

/** Applies an RFC 7386 merge patch: objects merge, null deletes, everything else replaces. */
export function applyMergePatch(original: Json, patch: Json): Json {
  if (!isRecord(patch)) return clone(patch);
  const result: JsonRecord = isRecord(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

// --- strategic merge ---

/**
 * Merge keys of the list fields the simulated kinds use (from the Kubernetes API's
 * `patchMergeKey` tags). `ports` depends on whether items are container or service ports.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  hostAliases: "ip",
  conditions: "type",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
};

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === "ports") {
    return items.some((item) => isRecord(item) && "containerPort" in item) ? "containerPort" : "port";
  }
  return MERGE_KEYS[field];
}

function mergeList(field: string, original: unknown, patch: unknown[]): unknown[] {
  const base = Array.isArray(original) ? original : [];
  const key = mergeKeyFor(field, [...base, ...patch]);
  const directive = patch.find((item) => isRecord(item) && item.$patch === "replace");
  if (!key || directive) {
    return patch.filter((item) => !(isRecord(item) && item.$patch === "replace")).map((item) => strip(item));
  }
  const result = base.map((item) => clone(item));
  for (const item of patch) {
    if (!isRecord(item)) {
      result.push(clone(item));
      continue;
    }
    const index = result.findIndex((existing) => isRecord(existing) && existing[key] === item[key]);
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMerge(result[index], item);
    } else {
      result.push(strip(item));
    }
  }
  return result;
}

/** Removes patch directives from a value being inserted. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (!isRecord(value)) return value;
  const result: JsonRecord = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith("$")) continue;
    result[key] = strip(item);
  }
  return result;
}

/**
 * Applies a strategic merge patch: like a merge patch, but lists with a merge key (containers by
 * name, volumeMounts by mountPath…) merge item by item, `$patch: delete` removes an item,
 * `$patch: replace` replaces a list or map, `$deleteFromPrimitiveList/<field>` removes values.
 */
export function applyStrategicMerge(original: Json, patch: Json): Json {
  if (!isRecord(patch)) return clone(patch);
  if (patch.$patch === "replace") return strip(patch);
  if (patch.$patch === "delete") return undefined;
  const result: JsonRecord = isRecord(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, result[key], value);
    else if (isRecord(value)) {
      const merged = applyStrategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  return result;
}

/** Applies a patch of the given type; throws PatchError when it cannot be applied. */
export function applyPatch(type: PatchType, original: Json, patch: Json): Json {
  switch (type) {
    case "json":
      return applyJsonPatch(original, patch);
    case "merge":
      if (!isRecord(patch)) throw new PatchError("a merge patch must be a JSON object");
      return applyMergePatch(original, patch);
    case "strategic":
    case "apply":
      if (!isRecord(patch))
        throw new PatchError(`a ${type === "apply" ? "apply" : "strategic merge"} patch must be an object`);
      return applyStrategicMerge(original, patch);
  }
}
