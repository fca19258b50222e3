import { InputError } from "../errors.js";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws an InputError unless `name` is a valid namespace name (a DNS-1123 label). */
export function assertNamespaceName(name: string): void {
  if (name.length > 63 || !DNS1123_LABEL.test(name)) {
    throw new InputError(
      "INVALID_NAMESPACE",
      `'${name}' is not a valid namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
}

/** Levenshtein distance (insert, delete, substitute all cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Existing names closest to a mistyped one: near in edit distance (a third of the length, at
 * least 2) or sharing a prefix/containment (`prod` → `prod-api`), best first, at most `max`.
 */
export function closestNames(wanted: string, existing: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return existing
    .map((name) => {
      const distance = editDistance(wanted, name);
      const related = name.startsWith(wanted) || wanted.startsWith(name) || name.includes(wanted);
      return { name, distance, related };
    })
    .filter((candidate) => candidate.distance <= limit || candidate.related)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((candidate) => candidate.name);
}
