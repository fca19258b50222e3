import type { BenchRow } from "./types.js";

/** A plain-text table, numbers right-aligned, for the terminal. */
export function renderTable(rows: readonly BenchRow[], columns?: readonly string[]): string {
  const first = rows[0];
  if (!first) return "(no rows)\n";
  const cols = [...(columns ?? Object.keys(first))];
  const cell = (row: BenchRow, col: string): string => {
    const value = row[col];
    if (value === undefined) return "";
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
    return value;
  };
  const widths = cols.map((col) => Math.max(col.length, ...rows.map((row) => cell(row, col).length)));
  const line = (values: string[], numeric: boolean[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const numericCols = cols.map((col) =>
    rows.every((row) => typeof row[col] === "number" || row[col] === undefined),
  );
  const out = [line(cols, numericCols), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of rows)
    out.push(
      line(
        cols.map((col) => cell(row, col)),
        numericCols,
      ),
    );
  return `${out.join("\n")}\n`;
}
