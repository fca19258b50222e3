/** Kubernetes resource quantities (`512Mi`, `250m`, `1e3`, `2`), shared by triage and the simulator. */

const FACTORS: Record<string, number> = {
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

/** Binary suffixes, largest first (for printing amounts back the way the API server does). */
export const BINARY_SUFFIXES: readonly [string, number][] = [
  ["Ei", 2 ** 60],
  ["Pi", 2 ** 50],
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["Ki", 2 ** 10],
];

const QUANTITY =
  /^([+-]?[0-9]+(?:\.[0-9]+)?|[+-]?\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/** The value of a quantity in base units (bytes, cores), or undefined when it does not parse. */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text === "number") return text;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[3] !== undefined) return value * 10 ** Number(match[3]);
  const factor = FACTORS[match[2] ?? ""];
  return factor === undefined ? undefined : value * factor;
}
