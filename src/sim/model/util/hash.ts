import { createHash } from "node:crypto";

/**
 * Deterministic names and ids. Kubernetes uses random suffixes; the simulation derives them from
 * stable inputs so a scenario replays identically (same pod names, same ids) run after run.
 */

/** The alphabet Kubernetes uses for generated suffixes (no vowels, no look-alikes). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** 32-bit FNV-1a of a string, as a non-negative integer. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** JSON with object keys sorted and null/undefined members dropped, for content hashing. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== null && record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Like Kubernetes' `rand.SafeEncodeString(fmt.Sprint(hash))`: each decimal digit of the hash
 * becomes a letter of the safe alphabet (this is how pod-template-hash values look).
 */
export function safeEncode(hash: number): string {
  let result = "";
  for (const digit of String(hash)) result += ALPHANUMS[digit.charCodeAt(0) % ALPHANUMS.length];
  return result;
}

/** A `length`-character suffix from the safe alphabet, derived from `seed`. */
export function suffixFrom(seed: string, length = 5): string {
  let result = "";
  let state = fnv32a(seed);
  for (let index = 0; index < length; index++) {
    result += ALPHANUMS[state % ALPHANUMS.length];
    state = fnv32a(`${state}:${seed}:${index}`);
  }
  return result;
}

/** `length` hex characters derived from `seed` (container ids, image digests). */
export function hexFrom(seed: string, length: number): string {
  let result = "";
  for (let counter = 0; result.length < length; counter++) {
    result += createHash("sha256").update(`${seed}#${counter}`).digest("hex");
  }
  return result.slice(0, length);
}

/** A uid-shaped string derived from `seed`. */
export function uidFrom(seed: string): string {
  const hex = hexFrom(seed, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
