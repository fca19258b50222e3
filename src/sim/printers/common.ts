import type { KubeObject } from "../../domain/kube.js";

/** Helpers shared by the per-kind Table printers. */

/** One Table cell value. */
export type Cell = string | number;

/** How one kind prints: column names/types/priorities and the cells of one object. */
export interface Printer {
  columns: [name: string, type: string, priority?: number][];
  cells: (object: KubeObject, nowMs: number) => Cell[];
}

/** The value as a record, or an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value if it is a number, else 0. */
export function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
