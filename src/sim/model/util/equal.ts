/** Structural equality of two JSON values (key order and undefined members ignored). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  let leftCount = 0;
  for (const key in leftRecord) {
    if (leftRecord[key] === undefined) continue;
    leftCount++;
    if (!jsonEqual(leftRecord[key], rightRecord[key])) return false;
  }
  let rightCount = 0;
  for (const key in rightRecord) if (rightRecord[key] !== undefined) rightCount++;
  return leftCount === rightCount;
}
