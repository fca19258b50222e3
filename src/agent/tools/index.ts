import { dryRunAction } from "./dry-run-tool.js";
import { BASIC_READ_TOOLS } from "./read-basic.js";
import { changeTimeline } from "./read-changes.js";
import { TOPOLOGY_TOOLS } from "./read-topology.js";
import { resourceUsage } from "./read-usage.js";
import type { AgentTool } from "./registry.js";

/** Every read-only tool of an investigation (dry_run_action included: it never applies). */
export function investigationTools(): AgentTool[] {
  return [...BASIC_READ_TOOLS, ...TOPOLOGY_TOOLS, changeTimeline, resourceUsage, dryRunAction];
}

/** Validation and follow-up read but have no reason to test remediations. */
export function readOnlyTools(): AgentTool[] {
  return [...BASIC_READ_TOOLS, ...TOPOLOGY_TOOLS, changeTimeline, resourceUsage];
}

export type { AgentTool, ToolContext } from "./registry.js";
