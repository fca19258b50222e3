/**
 * Kubernetes resource quantities as numbers: CPU in millicores, everything else in base units
 * (bytes for memory). Only the suffixes clusters actually use are understood.
 */

import { BINARY_SUFFIXES, parseQuantity } from "../../../domain/quantity.js";

export { parseQuantity };

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
  for (const [suffix, factor] of BINARY_SUFFIXES) {
    if (value >= factor && value % factor === 0) return `${value / factor}${suffix}`;
  }
  return String(value);
}
