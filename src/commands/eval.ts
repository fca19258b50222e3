import { parseArgs } from "node:util";
import { resolveConfig } from "../agent/runtime.js";
import { errorMessage, InputError } from "../errors.js";
import { type EvalResult, evalIncident } from "../eval/index.js";
import { listScenarios } from "../sim/scenarios/index.js";

const USAGE = `usage: k8s-triage eval [scenario…] [options]

Runs built-in scenarios through the Claude investigation loop and compares the RCA's root-cause
categories with the deterministic triage. Replay mode (default) answers with a scripted model on
a local fake Messages API; --live asks Claude (needs ANTHROPIC_API_KEY).

options:
      --live             use the real model (ANTHROPIC_API_KEY, ANTHROPIC_MODEL, ANTHROPIC_BASE_URL)
      --state FILE       evaluate a cluster-state file instead of the built-in scenarios
      --model NAME       model id (replay: for the cost column only)
      --json             one JSON line per scenario instead of the table
  -h, --help             show this help

exit codes: 0 every scenario matched, 1 a mismatch or a fallback, 2 bad input`;

interface EvalArgs {
  names: string[];
  live: boolean;
  state?: string;
  model?: string;
  json: boolean;
  help: boolean;
}

function parse(args: string[]): EvalArgs {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        live: { type: "boolean", default: false },
        state: { type: "string" },
        model: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    return {
      names: positionals,
      live: values.live ?? false,
      json: values.json ?? false,
      help: values.help ?? false,
      ...(values.state ? { state: values.state } : {}),
      ...(values.model ? { model: values.model } : {}),
    };
  } catch (error) {
    throw new InputError("USAGE", `${errorMessage(error)}\n\n${USAGE}`);
  }
}

function row(result: EvalResult): string[] {
  const usage = result.report.usage;
  return [
    result.name,
    result.namespace,
    result.matched ? "yes" : "NO",
    result.expected.join(",") || "-",
    result.got.join(",") || "-",
    String(usage?.toolCalls ?? 0),
    String((usage?.inputTokens ?? 0) + (usage?.cacheReadTokens ?? 0) + (usage?.cacheWriteTokens ?? 0)),
    String(usage?.outputTokens ?? 0),
    `$${(usage?.costUsd ?? 0).toFixed(4)}`,
    `${result.latencyMs}ms`,
    result.report.fallbackReason ?? "",
  ];
}

function printTable(rows: string[][]): void {
  const header = [
    "SCENARIO",
    "NAMESPACE",
    "MATCH",
    "EXPECTED",
    "GOT",
    "TOOLS",
    "IN-TOK",
    "OUT-TOK",
    "COST",
    "LATENCY",
    "FALLBACK",
  ];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  for (const r of all)
    console.log(
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
}

/** `k8s-triage eval`: every scenario through the loop; exit 0 when all match. */
export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.live && !resolveConfig().apiKey) {
    throw new InputError("NO_API_KEY", "--live needs ANTHROPIC_API_KEY");
  }
  const known = listScenarios();
  const names = options.state ? [options.state] : options.names.length ? options.names : known;
  for (const name of options.state ? [] : names) {
    if (!known.includes(name))
      throw new InputError("SCENARIO_UNKNOWN", `unknown scenario '${name}'; known: ${known.join(", ")}`);
  }
  if (names.length === 0) {
    console.log("no built-in scenarios to evaluate");
    return 0;
  }
  const model = options.model ?? (options.live ? undefined : "claude-sonnet-5-5");
  const results: EvalResult[] = [];
  for (const name of names) {
    const result = await evalIncident({
      name,
      ...(options.state ? { stateFile: options.state } : {}),
      mode: options.live ? "live" : "replay",
      config: model ? { model } : {},
    });
    results.push(result);
    if (options.json) console.log(JSON.stringify({ ...result, requests: result.requests.length }));
  }
  if (!options.json) printTable(results.map(row));
  const failed = results.filter((result) => !result.matched);
  if (!options.json)
    console.log(
      `\n${results.length - failed.length}/${results.length} matched (${options.live ? "live" : "replay"})`,
    );
  return failed.length === 0 ? 0 : 1;
}
