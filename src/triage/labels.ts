import type { LabelSelector } from "../domain/kube.js";

/** Label selectors: matching and printing, plus an inverted index so selection is not O(pods). */

type Labels = Record<string, string> | undefined;

/** True when every `key=value` of an equality selector is among the labels. Empty selects nothing. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Labels): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels?.[key] === value);
}

/** A metav1.LabelSelector match; an empty selector `{}` selects everything, as the API defines. */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels?.[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels?.[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
        if (value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (value === undefined) return false;
        break;
      case "DoesNotExist":
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `app=db,tier=backend`, the form kubectl accepts with `-l`. */
export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/**
 * Objects by namespace and label pair. Selecting with an equality selector intersects from the
 * rarest pair, so a selector costs the size of its smallest posting list, not the namespace.
 */
export class LabelIndex<T extends { metadata: { namespace?: string; labels?: Record<string, string> } }> {
  // namespace -> label key -> label value -> items; nested maps, so no key string per label.
  private readonly postings = new Map<string, Map<string, Map<string, T[]>>>();

  constructor(items: Iterable<T>) {
    for (const item of items) {
      const namespace = item.metadata.namespace ?? "";
      let keys = this.postings.get(namespace);
      if (!keys) {
        keys = new Map();
        this.postings.set(namespace, keys);
      }
      for (const [key, value] of Object.entries(item.metadata.labels ?? {})) {
        let values = keys.get(key);
        if (!values) {
          values = new Map();
          keys.set(key, values);
        }
        const list = values.get(value);
        if (list) list.push(item);
        else values.set(value, [item]);
      }
    }
  }

  /** Items in the namespace whose labels include the whole selector; [] for an empty selector. */
  select(namespace: string, selector: Record<string, string>): T[] {
    const keys = this.postings.get(namespace);
    let smallest: T[] | undefined;
    for (const [key, value] of Object.entries(selector)) {
      const list = keys?.get(key)?.get(value) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
    }
    if (!smallest) return [];
    return smallest.filter((item) => mapSelectorMatches(selector, item.metadata.labels));
  }
}
