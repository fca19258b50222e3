import type { KubeObject } from "../../domain/kube.js";
import { objectJson } from "../json-cache.js";

export { objectJson } from "../json-cache.js";

/** List bodies assembled from the cached JSON of stored objects. */

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
