/**
 * The small path language preconditions use to name a field of an object:
 * `spec.template.spec.containers[name=app].resources.limits.memory`,
 * `metadata.annotations["deployment.kubernetes.io/revision"]`. `[name=x]` (or `[x]`) picks the
 * list element whose `name` is x, so a reordered container list is not mistaken for drift.
 */

type Segment = { key: string } | { byName: string } | { index: number };

// `[name=app]` and the shorthand `[app]` (what triage writes) both select by name; `[0]` by index.
const TOKEN = /\.?([A-Za-z0-9_$-]+)|\[name=([^\]]+)\]|\["([^"]+)"\]|\[([0-9]+)\]|\[([a-z0-9][-a-z0-9.]*)\]/y;

/** Splits a path into segments; throws on anything it does not understand. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(path);
    if (!match || match.index !== start) throw new Error(`bad field path '${path}' at ${start}`);
    if (match[2] !== undefined || match[5] !== undefined)
      segments.push({ byName: match[2] ?? match[5] ?? "" });
    else if (match[4] !== undefined) segments.push({ index: Number(match[4]) });
    else segments.push({ key: match[1] ?? match[3] ?? "" });
  }
  return segments;
}

/** The value at `path`, or undefined when any step is missing. */
export function readPath(object: unknown, path: string): unknown {
  let node: unknown = object;
  for (const segment of parsePath(path)) {
    if ("index" in segment) {
      node = Array.isArray(node) ? node[segment.index] : undefined;
    } else if ("byName" in segment) {
      if (!Array.isArray(node)) return undefined;
      node = node.find(
        (item: unknown) =>
          typeof item === "object" && item !== null && (item as { name?: unknown }).name === segment.byName,
      );
    } else {
      if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[segment.key];
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    // An explicit undefined and a missing key are the same in JSON.
    if (!jsonEqual(left[key], right[key])) return false;
  }
  return true;
}

/** Path of a field of one container in a workload's pod template. */
export function containerPath(container: string, field: string): string {
  return `spec.template.spec.containers[name=${container}].${field}`;
}
