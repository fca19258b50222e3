/** One printed table row: column name to a number or text. */
export type BenchRow = Record<string, string | number>;

/** What a bench section hands back: rows for the table and figures for `.bench/results.json`. */
export interface BenchSectionResult {
  /** Column order of the table (default: keys of the first row). */
  columns?: string[];
  rows: BenchRow[];
  /** Machine-readable results, stored under the section's name. */
  figures: Record<string, unknown>;
  /** Targets the section checks, e.g. "10k pods under 2 s": failed ones make `bench` exit 1. */
  checks?: { name: string; ok: boolean; detail: string }[];
}

/** Options every section receives. */
export interface BenchContext {
  /** Skip the largest, slowest cases. */
  quick: boolean;
  /** Progress lines (stderr), so stdout stays the table. */
  progress(line: string): void;
}

/** One area's benchmark. */
export interface BenchSection {
  name: string;
  describe: string;
  run(context: BenchContext): Promise<BenchSectionResult>;
}
