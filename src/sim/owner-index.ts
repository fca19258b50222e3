import type { KubeObject } from "../domain/kube.js";

/** A dependent as the owner index names it: its storage bucket and key. */
export interface DependentRef {
  bucket: string;
  key: string;
}

/**
 * owner uid -> dependents (objects whose ownerReferences name that uid), kept in step with
 * every write so garbage collection of a deleted owner needs no scan of the store.
 */
export class OwnerIndex {
  readonly #byOwner = new Map<string, Set<string>>();

  /** Moves a dependent from the owners of `before` to the owners of `after`. */
  update(bucket: string, key: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const member = `${bucket}\u0000${key}`;
    for (const owner of before?.metadata.ownerReferences ?? []) this.#byOwner.get(owner.uid)?.delete(member);
    for (const owner of after?.metadata.ownerReferences ?? []) {
      if (!owner.uid) continue;
      let set = this.#byOwner.get(owner.uid);
      if (!set) {
        set = new Set();
        this.#byOwner.set(owner.uid, set);
      }
      set.add(member);
    }
  }

  /** Removes and returns the dependents of an owner. */
  take(uid: string): DependentRef[] {
    const members = this.#byOwner.get(uid);
    this.#byOwner.delete(uid);
    return [...(members ?? [])].map((member) => {
      const [bucket = "", key = ""] = member.split("\u0000");
      return { bucket, key };
    });
  }
}

/** Index of the first key >= `key` in a sorted array. */
export function lowerBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
