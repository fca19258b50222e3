/**
 * A compact, field-by-field diff of two pod templates: what a rollback (which replaces
 * `spec.template` wholesale) really changes — env, resources, image, command, probes, volumes,
 * labels, anything. Lists of named items (containers, env vars, volumes, ports) are matched by
 * name, so a reordered list is not reported as a change. Pure; shared by the triage (which
 * proposes), the catalog (which describes) and the executor (which refuses to apply a change
 * that is no longer the one shown).
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The controller's hash label is not part of what a revision runs. */
const IGNORED = new Set(["spec.template.metadata.labels.pod-template-hash"]);

function show(value: unknown): string {
  if (value === undefined) return "unset";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function named(list: unknown[]): Map<string, unknown> | undefined {
  const map = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string" || map.has(item.name)) return undefined;
    map.set(item.name, item);
  }
  return map;
}

function walk(path: string, before: unknown, after: unknown, out: string[]): void {
  if (IGNORED.has(path)) return;
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(path ? `${path}.${key}` : key, before[key], after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const left = named(before);
    const right = named(after);
    if (left && right) {
      const names = [...new Set([...left.keys(), ...right.keys()])];
      for (const name of names) walk(`${path}[${name}]`, left.get(name), right.get(name), out);
      return;
    }
  }
  // An env var or list item that exists on one side only, or a scalar that changed.
  if (isRecord(before) && after === undefined) {
    out.push(`${path}: ${show(before)} -> unset`);
    return;
  }
  out.push(`${path}: ${show(before)} -> ${show(after)}`);
}

/**
 * `path: old -> new` lines, one per changed leaf, paths as in the Deployment
 * (`spec.template.spec.containers[app].env[LOG_LEVEL].value: debug -> info`). Empty when equal.
 */
export function podTemplateDiff(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk("spec.template", before ?? {}, after ?? {}, out);
  return out;
}
