import { dryRunAction } from "./dry-run-tool.js";
import { prometheusQuery } from "./prometheus-tool.js";
import { BASIC_READ_TOOLS } from "./read-basic.js";
import { changeTimeline } from "./read-changes.js";
import { TOPOLOGY_TOOLS } from "./read-topology.js";
import { resourceUsage } from "./read-usage.js";
import type { AgentTool } from "./registry.js";

/** Which optional tools to offer: `prometheus` when a Prometheus is configured. */
export interface ToolOptions {
  prometheus?: boolean;
}

function optional(options: ToolOptions): AgentTool[] {
  return options.prometheus ? [prometheusQuery] : [];
}

/** Every read-only tool of an investigation (dry_run_action included: it never applies). */
export function investigationTools(options: ToolOptions = {}): AgentTool[] {
  return [
    ...BASIC_READ_TOOLS,
    ...TOPOLOGY_TOOLS,
    changeTimeline,
    resourceUsage,
    ...optional(options),
    dryRunAction,
  ];
}

/** Validation and follow-up read but have no reason to test remediations. */
export function readOnlyTools(options: ToolOptions = {}): AgentTool[] {
  return [...BASIC_READ_TOOLS, ...TOPOLOGY_TOOLS, changeTimeline, resourceUsage, ...optional(options)];
}

export { prometheusQuery, renderQueryResult } from "./prometheus-tool.js";

export type { AgentTool, ToolContext } from "./registry.js";
