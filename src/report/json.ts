import type { TriageResult } from "../domain/types.js";

/** The `--format json` output: the TriageResult itself, pretty-printed, newline-terminated. */
export function renderJson(result: TriageResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
