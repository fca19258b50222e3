import type { KubeObject } from "../domain/kube.js";

/** One change to the store, as watch streams deliver it. */
export interface Change {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** Storage bucket (the kind name for served kinds). */
  bucket: string;
  /** The change's resourceVersion (global counter). */
  rv: number;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED change (lets filtered watches emit ADDED/DELETED transitions). */
  previous?: KubeObject;
}

/**
 * The last `limit` changes, so watches can resume from a recent resourceVersion. A watch from a
 * version older than what is kept gets 410 Gone, like the real API server after compaction.
 */
export class ChangeHistory {
  readonly #limit: number;
  readonly #ring: (Change | undefined)[];
  #next = 0;
  #size = 0;
  /** Every change with rv > floor is still kept. */
  #floor = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
    this.#ring = new Array(limit);
  }

  /** The oldest resourceVersion a watch may resume from. */
  get floor(): number {
    return this.#floor;
  }

  /** Forgets everything up to `rv` (used after a bulk load, which has no history). */
  reset(rv: number): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#size = 0;
    this.#floor = rv;
  }

  push(change: Change): void {
    const evicted = this.#ring[this.#next];
    if (this.#size === this.#limit && evicted) this.#floor = evicted.rv;
    this.#ring[this.#next] = change;
    this.#next = (this.#next + 1) % this.#limit;
    if (this.#size < this.#limit) this.#size++;
  }

  /** Changes with rv > `rv` in order, or undefined when some of them were already forgotten. */
  since(rv: number): Change[] | undefined {
    if (rv < this.#floor) return undefined;
    const result: Change[] = [];
    const start = (this.#next - this.#size + this.#limit) % this.#limit;
    for (let offset = 0; offset < this.#size; offset++) {
      const change = this.#ring[(start + offset) % this.#limit]!;
      if (change.rv > rv) result.push(change);
    }
    return result;
  }
}
