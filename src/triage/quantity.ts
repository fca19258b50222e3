/** Kubernetes resource quantities (memory sizes), parsed to bytes and printed back. */

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY =
  /^([+-]?[0-9]+(?:\.[0-9]+)?|[+-]?\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/** The value of a quantity (bytes for memory, cores for cpu), or undefined when it does not parse. */
export function parseQuantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[3] !== undefined) return value * 10 ** Number(match[3]);
  const factor = SUFFIX[match[2] ?? ""];
  return factor === undefined ? undefined : value * factor;
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/**
 * A byte count as the quantity people write: Gi when it is a whole number of Gi, else Mi rounded
 * up (a memory limit must never end up below the value it was computed from).
 */
export function formatMemory(bytes: number): string {
  if (bytes >= GIB && bytes % GIB === 0) return `${bytes / GIB}Gi`;
  return `${Math.ceil(bytes / MIB)}Mi`;
}
