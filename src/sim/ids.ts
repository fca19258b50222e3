/**
 * Deterministic identifiers for the simulated cluster: generateName suffixes and uids come from
 * a seeded generator per cluster, so a scenario replays with the same names (and the same list
 * order) every run. Real clusters use random ones; nothing may depend on their values.
 */

// The alphabet Kubernetes uses for generateName suffixes (no vowels, no look-alikes).
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A seeded source of suffixes and uids (mulberry32). */
export class IdSource {
  #state: number;

  constructor(seed = 0x5eed) {
    this.#state = seed >>> 0;
  }

  /** Next pseudo-random number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** A 5-character suffix as appended to `metadata.generateName`. */
  suffix(length = 5): string {
    let suffix = "";
    for (let index = 0; index < length; index++) {
      suffix += SUFFIX_ALPHABET[Math.floor(this.next() * SUFFIX_ALPHABET.length)];
    }
    return suffix;
  }

  /** An RFC 4122 version-4-shaped uid. */
  uuid(): string {
    const word = () =>
      Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, "0");
    const text = `${word()}${word()}${word()}${word()}`;
    const variant = ((Number.parseInt(text[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-${variant}${text.slice(17, 20)}-${text.slice(20)}`;
  }
}
