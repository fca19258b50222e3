import type { TriageResult } from "../domain/types.js";
import { renderJson } from "./json.js";
import { type MarkdownOptions, renderMarkdown } from "./markdown.js";
import { renderText, type TextOptions } from "./text.js";

export type { InputMode } from "./format.js";
export { renderJson } from "./json.js";
export { escapeMarkdown, type MarkdownOptions, renderMarkdown } from "./markdown.js";
export { renderText, shouldColor, type TextOptions } from "./text.js";

/** Output formats of `k8s-triage triage --format`. */
export const REPORT_FORMATS = ["text", "markdown", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a triage result in one of the report formats. */
export function renderReport(
  result: TriageResult,
  format: ReportFormat,
  options: TextOptions & MarkdownOptions = {},
): string {
  if (format === "json") return renderJson(result);
  if (format === "markdown") return renderMarkdown(result, options);
  return renderText(result, options);
}
export { engineText, renderRcaMarkdown, renderRcaText } from "./rca.js";
