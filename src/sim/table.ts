import type { KubeObject } from "../domain/kube.js";
import { age } from "./pod-status.js";
import type { Printer } from "./printers/common.js";
import { MORE_PRINTERS } from "./printers/more.js";
import { OTHER_PRINTERS } from "./printers/others.js";
import { WORKLOAD_PRINTERS } from "./printers/workloads.js";

/**
 * Server-side printing: `meta.k8s.io/v1 Table` responses, which kubectl asks for on `get`. The
 * columns follow the real API server's printers for the kinds people look at during triage
 * (pods, deployments, events, nodes, services and a few more); other kinds get Name and Age.
 */

/** One column of a Table. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A Table row: the cells and (by default) the object as PartialObjectMetadata. */
export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

/** What rows carry besides cells (`?includeObject=`). */
export type IncludeObject = "None" | "Metadata" | "Object";

function column(name: string, type: string, priority = 0): TableColumn {
  return { name, type, format: name === "Name" ? "name" : "", description: "", priority };
}

const PRINTERS: Record<string, Printer> = { ...WORKLOAD_PRINTERS, ...OTHER_PRINTERS, ...MORE_PRINTERS };

const GENERIC: Printer = {
  columns: [
    ["Name", "string"],
    ["Age", "string"],
  ],
  cells: (object, nowMs) => [object.metadata.name ?? "", age(object.metadata.creationTimestamp, nowMs)],
};

/** Column definitions for a kind. */
export function tableColumns(kind: string): TableColumn[] {
  return (PRINTERS[kind] ?? GENERIC).columns.map(([name, type, priority]) => column(name, type, priority));
}

/** One row for an object. */
export function tableRow(kind: string, object: KubeObject, nowMs: number, include: IncludeObject): TableRow {
  const row: TableRow = { cells: (PRINTERS[kind] ?? GENERIC).cells(object, nowMs) };
  if (include === "Object") row.object = object;
  else if (include === "Metadata") {
    row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
  }
  return row;
}

/** A full Table response for a list (or a single object). */
export function renderTable(
  kind: string,
  objects: KubeObject[],
  nowMs: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: tableColumns(kind),
    rows: objects.map((object) => tableRow(kind, object, nowMs, include)),
  };
}
