/**
 * Kubernetes resource quantities as numbers: CPU in millicores, everything else in base units
 * (bytes for memory). Only the suffixes clusters actually use are understood.
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
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

/** The value of a quantity in base units, or undefined when it does not parse. */
export function parseQuantity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  if (Number.isNaN(number) || factor === undefined) return undefined;
  return number * factor;
}

/** CPU in millicores ("250m" -> 250, "2" -> 2000). */
export function cpuMillis(value: string | number | undefined): number | undefined {
  const cores = parseQuantity(value);
  return cores === undefined ? undefined : Math.round(cores * 1000);
}

/**
 * A resource amount of `resource` in the unit the scheduler and quota compare in: millicores for
 * cpu (and quota keys ending in .cpu), base units otherwise.
 */
export function amount(resource: string, value: string | number | undefined): number | undefined {
  return resource === "cpu" || resource.endsWith(".cpu") ? cpuMillis(value) : parseQuantity(value);
}

/**
 * Formats an amount back into a quantity the way the API server would print it: binary suffixes
 * for whole multiples of 1024, millicores for fractional CPU.
 */
export function formatAmount(resource: string, value: number): string {
  if (resource === "cpu" || resource.endsWith(".cpu")) {
    return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  }
  if (value === 0) return "0";
  for (const suffix of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
    const factor = BINARY[suffix]!;
    if (value >= factor && value % factor === 0) return `${value / factor}${suffix}`;
  }
  return String(value);
}
