import { parseArgs } from "node:util";
import { runBench } from "../bench/index.js";
import { errorMessage, InputError } from "../errors.js";

const USAGE = `usage: k8s-triage bench [--only SECTION[,SECTION]] [--quick] [--out FILE]

Runs the benchmark sections in order, prints a table per section and writes figures to
.bench/results.json (or --out). Exit 1 when a checked target is missed.

options:
  --only LIST   run only these sections (comma-separated or repeated), e.g. --only triage
  --quick       skip the largest cases
  --out FILE    results file (default .bench/results.json)
  -h, --help    show this help`;

/** `k8s-triage bench`. */
export async function run(args: string[]): Promise<number> {
  // Workers log every phase at info; in a benchmark those lines bury the tables.
  process.env.LOG_LEVEL ??= "warn";
  let values: { only?: string[]; quick?: boolean; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: "string", multiple: true },
        quick: { type: "boolean" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`k8s-triage bench: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.only
    ?.flatMap((item) => item.split(","))
    .map((item) => item.trim())
    .filter(Boolean);
  try {
    const report = await runBench({
      ...(only && only.length > 0 ? { only } : {}),
      quick: values.quick ?? false,
      ...(values.out ? { out: values.out } : {}),
    });
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`k8s-triage bench: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
