import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { formatMemory, parseQuantity } from "../quantity.js";
import { memoryEvidence } from "../usage.js";

/** Never propose a memory limit above this: past it, more memory is a capacity decision for a human. */
export const MAX_MEMORY_LIMIT_BYTES = 8 * 2 ** 30;

/** Headroom over the highest usage seen, so normal variation does not hit the new limit. */
export const MEMORY_HEADROOM = 1.25;

const MI = 2 ** 20;
/** Limits are proposed in whole 64Mi steps (384Mi, not 375Mi). */
const STEP = 64 * MI;

/** A proposed memory limit and why that number. */
export interface MemorySizing {
  limit: string;
  bytes: number;
  /** `declared usage 300Mi + 25% headroom`, `2x: the working set is at the limit (…)`. */
  basis: string;
  /** The measurements behind it, for the finding's evidence. */
  evidence: string[];
}

/**
 * The raised limit for an OOMKilled container when nothing better is known: twice the current
 * limit, capped at MAX_MEMORY_LIMIT_BYTES; undefined when it cannot grow.
 */
export function raisedMemoryLimit(current: string | undefined): string | undefined {
  const bytes = parseQuantity(current);
  if (bytes === undefined || bytes <= 0) return undefined;
  const raised = Math.min(bytes * 2, MAX_MEMORY_LIMIT_BYTES);
  if (raised <= bytes) return undefined;
  const text = formatMemory(raised);
  return (parseQuantity(text) ?? 0) > MAX_MEMORY_LIMIT_BYTES ? undefined : text;
}

/** The namespace's LimitRange ceiling on a container's memory, if any. */
function limitRangeMax(ctx: TriageContext, namespace: string): { bytes: number; line: string } | undefined {
  let lowest: { bytes: number; line: string } | undefined;
  for (const range of ctx.snapshot.limitRanges) {
    if (range.metadata.namespace !== namespace) continue;
    const limits = (range.spec as { limits?: { type?: string; max?: { memory?: string } }[] } | undefined)
      ?.limits;
    for (const item of limits ?? []) {
      if (item.type !== "Container") continue;
      const bytes = parseQuantity(item.max?.memory);
      if (bytes !== undefined && (!lowest || bytes < lowest.bytes)) {
        lowest = { bytes, line: `LimitRange ${namespace}/${range.metadata.name} max ${item.max?.memory}` };
      }
    }
  }
  return lowest;
}

/**
 * How far to raise `container`'s memory limit, from the best evidence the snapshot holds. Usage
 * above the limit (a history peak from before it, a declared need) is sized with headroom. A
 * working set at the limit — all metrics-server can show of an OOM-killed container, since the
 * kernel stops it there — says only "more than this", so the limit doubles. Bounded by 4x, 8Gi and
 * the namespace's LimitRange; undefined when it cannot grow. (ResourceQuota room is checked by the
 * caller, which knows the replica count.)
 */
export function sizeMemoryLimit(
  ctx: TriageContext,
  workload: ResourceRef,
  container: string,
  current: string | undefined,
): MemorySizing | undefined {
  const currentBytes = parseQuantity(current);
  if (currentBytes === undefined || currentBytes <= 0) return undefined;
  const measured = memoryEvidence(ctx, workload, container);
  const best = measured[0];
  let target: number;
  let basis: string;
  if (best && best.bytes > currentBytes * 1.02) {
    target = Math.ceil((best.bytes * MEMORY_HEADROOM) / STEP) * STEP;
    basis = `${best.source} usage ${formatMemory(best.bytes)} + ${Math.round((MEMORY_HEADROOM - 1) * 100)}% headroom`;
  } else {
    target = currentBytes * 2;
    basis = best
      ? `2x: the working set is at the limit (${formatMemory(best.bytes)} of ${current}, ${best.source}), so the real need is not observable`
      : `2x: no usage data (${ctx.snapshot.metricsServer?.message ?? "metrics-server not read"})`;
  }
  target = Math.min(target, currentBytes * 4, MAX_MEMORY_LIMIT_BYTES);
  const ceiling = limitRangeMax(ctx, workload.namespace);
  if (ceiling && target > ceiling.bytes) {
    target = ceiling.bytes;
    basis += `, capped by ${ceiling.line}`;
  }
  if (target <= currentBytes) return undefined;
  const limit = formatMemory(target);
  return {
    limit,
    bytes: parseQuantity(limit) ?? target,
    basis,
    evidence: measured.slice(0, 3).map((item) => item.line),
  };
}
