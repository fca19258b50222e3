import type { KubeObject } from "../../domain/kube.js";

/**
 * JSON encoding of stored objects. Stored objects are immutable (every write replaces them), so
 * each one's JSON is computed once and reused by every list page and watch event that sends it.
 */
const cache = new WeakMap<object, string>();

/** The JSON text of a stored object (cached per object identity). */
export function objectJson(object: KubeObject): string {
  let text = cache.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    cache.set(object, text);
  }
  return text;
}

/** A list body: the envelope fields around `items`, joined from per-object JSON. */
export function listJson(
  envelope: Record<string, unknown>,
  items: KubeObject[],
  cacheItems: boolean,
): string {
  const head = JSON.stringify(envelope);
  const parts = items.map((item) => (cacheItems ? objectJson(item) : JSON.stringify(item)));
  return `${head.slice(0, -1)},"items":[${parts.join(",")}]}`;
}
