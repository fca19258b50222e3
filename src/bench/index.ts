import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError } from "../errors.js";
import { renderTable } from "./table.js";
import type { BenchContext, BenchSection, BenchSectionResult } from "./types.js";

export type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * The benchmark registry, run in this order. Each area adds one line pointing at its section file
 * (a module whose default export is a BenchSection); sections load lazily so `--only x` does not
 * pay for the others' imports.
 */
export const SECTIONS: readonly { name: string; load: () => Promise<{ default: BenchSection }> }[] = [
  { name: "triage", load: () => import("./triage.js") },
  { name: "agent-tokens", load: () => import("./agent-tokens.js") },
  { name: "pipeline", load: () => import("./pipeline.js") },
  { name: "slack-ack", load: () => import("./slack-ack.js") },
  { name: "alertmanager", load: () => import("./alertmanager.js") },
  { name: "clusters", load: () => import("./clusters.js") },
  { name: "prometheus", load: () => import("./prometheus.js") },
];

/** Where results land, relative to the working directory. */
export const RESULTS_PATH = ".bench/results.json";

/** What `runBench` runs and where it writes. */
export interface BenchOptions {
  /** Section names to run (default: all). */
  only?: string[];
  quick?: boolean;
  /** Results file (default {@link RESULTS_PATH}). */
  out?: string;
  /** Table output (default stdout). */
  write?: (text: string) => void;
  progress?: (line: string) => void;
}

/** Results of one run: per section, and whether every checked target held. */
export interface BenchReport {
  generatedAt: string;
  node: string;
  quick: boolean;
  sections: Record<string, BenchSectionResult>;
  ok: boolean;
}

async function previousSections(path: string): Promise<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as { sections?: Record<string, unknown> };
    return parsed.sections ?? {};
  } catch {
    return {};
  }
}

/**
 * Runs the selected sections in registry order, prints each table as it finishes, and writes
 * every section's figures to the results file (sections not run keep their previous figures).
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const known = SECTIONS.map((section) => section.name);
  for (const name of options.only ?? []) {
    if (!known.includes(name)) {
      throw new InputError(
        "UNKNOWN_BENCH_SECTION",
        `unknown bench section '${name}'; known: ${known.join(", ")}`,
      );
    }
  }
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const context: BenchContext = {
    quick: options.quick ?? false,
    progress: options.progress ?? ((line) => process.stderr.write(`${line}\n`)),
  };
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    quick: context.quick,
    sections: {},
    ok: true,
  };
  for (const entry of SECTIONS) {
    if (options.only && !options.only.includes(entry.name)) continue;
    const section = (await entry.load()).default;
    context.progress(`bench ${section.name}: ${section.describe}`);
    const result = await section.run(context);
    report.sections[section.name] = result;
    write(`\n== ${section.name} ==\n${renderTable(result.rows, result.columns)}`);
    for (const check of result.checks ?? []) {
      write(`${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}\n`);
      if (!check.ok) report.ok = false;
    }
  }
  const out = options.out ?? RESULTS_PATH;
  const sections = { ...(await previousSections(out)) };
  for (const [name, result] of Object.entries(report.sections)) {
    sections[name] = {
      generatedAt: report.generatedAt,
      quick: report.quick,
      figures: result.figures,
      checks: result.checks ?? [],
    };
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ generatedAt: report.generatedAt, node: report.node, sections }, null, 2)}\n`,
  );
  write(`\nresults written to ${out}\n`);
  return report;
}
