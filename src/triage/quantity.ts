/** Memory quantities printed back the way people write them (parsing lives in domain/quantity). */
import { parseQuantity } from "../domain/quantity.js";

export { parseQuantity };

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
