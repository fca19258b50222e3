import { parseArgs } from "node:util";
import { errorMessage, InputError } from "../errors.js";
import { assertNamespaceName } from "../k8s/namespaces.js";
import { clusterNameProblem, DEFAULT_CLUSTER } from "../queue/scope.js";
import { REPORT_FORMATS, type ReportFormat } from "../report/index.js";

/** The `triage` help text. */
export const USAGE = `usage: k8s-triage triage [namespace] [options]

Triage one namespace (or all) of a live cluster or a cluster-state file. Read-only.

options:
  -A, --all-namespaces   triage every namespace
  -f, --from-file FILE   read a cluster-state file instead of a cluster, exactly as recorded
      --simulate         run the simulated kubelet/controllers on the file first (the default
                         only for files that carry triage.sim/* annotations, like the scenarios)
      --context NAME     kubeconfig context (default: current-context)
      --kubeconfig FILE  kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
  -o, --format FORMAT    text (default), markdown or json
      --no-llm           deterministic analysis only (no Claude, even with ANTHROPIC_API_KEY)
      --evidence-dir DIR write snapshot.yaml, logs, events, triage.json, rca.json and report.md to DIR
      --cluster NAME     name the cluster in the report and the JSON's \`cluster\` (default: CLUSTER_NAME)
  -h, --help             show this help

With ANTHROPIC_API_KEY set, Claude investigates further through the same read-only tools as the
worker (for a state file, reads are served by the in-process simulated API); the report says which
engine produced the RCA, and falls back to the deterministic one on model errors.

exit codes: 0 ran (problems found or not), 1 cluster or namespace not found/unreachable, 2 bad input`;

/** Parsed `triage` arguments. */
export interface TriageArgs {
  help: boolean;
  /** Undefined with --all-namespaces, or when the context's namespace should be used. */
  namespace?: string;
  allNamespaces: boolean;
  fromFile?: string;
  context?: string;
  kubeconfig?: string;
  format: ReportFormat;
  noLlm: boolean;
  /** Run the simulation model on a state file (undefined: only when the file asks for it). */
  simulate?: boolean;
  evidenceDir?: string;
  /** The cluster's name for the report and the JSON's `cluster` (--cluster, else CLUSTER_NAME). */
  cluster?: string;
}

/** Parses and checks `triage` arguments; every problem is an InputError (exit code 2). */
export function parseTriageArgs(args: string[]): TriageArgs {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(args);
  } catch (error) {
    // node:util's wording for unknown flags suggests '--' tricks; say it plainly instead.
    const unknown = /Unknown option '([^']+)'/.exec(errorMessage(error));
    throw new InputError("USAGE", unknown ? `unknown option '${unknown[1]}'` : errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new InputError(
      "USAGE",
      `expected at most one namespace, got ${positionals.map((p) => `'${p}'`).join(" ")}`,
    );
  }
  const namespace = positionals[0];
  const allNamespaces = values["all-namespaces"] ?? false;
  if (namespace !== undefined && allNamespaces) {
    throw new InputError("USAGE", `give a namespace ('${namespace}') or --all-namespaces, not both`);
  }
  if (namespace !== undefined) assertNamespaceName(namespace);
  const format = values.format ?? "text";
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InputError("USAGE", `unknown --format '${format}': use ${REPORT_FORMATS.join(", ")}`);
  }
  if (values.simulate && values["from-file"] === undefined) {
    throw new InputError(
      "USAGE",
      "--simulate applies to --from-file only (a live cluster is never simulated)",
    );
  }
  if (
    values["from-file"] !== undefined &&
    (values.context !== undefined || values.kubeconfig !== undefined)
  ) {
    throw new InputError(
      "USAGE",
      "--from-file reads a state file: it cannot be combined with --context or --kubeconfig",
    );
  }
  const cluster = values.cluster ?? nonDefaultCluster(process.env.CLUSTER_NAME);
  if (cluster !== undefined) {
    const problem = clusterNameProblem(cluster);
    if (problem) throw new InputError("USAGE", `--cluster: ${problem}`);
  }
  return {
    help: values.help ?? false,
    ...(cluster !== undefined ? { cluster } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    allNamespaces,
    ...(values["from-file"] !== undefined ? { fromFile: values["from-file"] } : {}),
    ...(values.context !== undefined ? { context: values.context } : {}),
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    format: format as ReportFormat,
    noLlm: values["no-llm"] ?? false,
    ...(values.simulate ? { simulate: true } : {}),
    ...(values["evidence-dir"] !== undefined ? { evidenceDir: values["evidence-dir"] } : {}),
  };
}

/** CLUSTER_NAME when it names a cluster (the all-in-one `default` names none). */
function nonDefaultCluster(name: string | undefined): string | undefined {
  return name === undefined || name.trim() === "" || name === DEFAULT_CLUSTER ? undefined : name;
}

function parseCli(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      "all-namespaces": { type: "boolean", short: "A" },
      "from-file": { type: "string", short: "f" },
      context: { type: "string" },
      kubeconfig: { type: "string" },
      format: { type: "string", short: "o" },
      "no-llm": { type: "boolean" },
      simulate: { type: "boolean" },
      "evidence-dir": { type: "string" },
      cluster: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
