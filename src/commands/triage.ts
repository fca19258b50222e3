import { parseArgs } from "node:util";
import { prometheusEnv } from "../config/env.js";
import type { RcaReport } from "../domain/rca.js";
import type { Snapshot, TriageResult } from "../domain/types.js";
import { ClusterError, errorMessage, InputError } from "../errors.js";
import { type CollectScope, collectSnapshot } from "../k8s/collect.js";
import { writeEvidence } from "../k8s/evidence.js";
import { openStateFile } from "../k8s/from-file.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { loadKubeConfig } from "../k8s/kubeconfig.js";
import { assertNamespaceName, closestNames } from "../k8s/namespaces.js";
import type { ClusterReader } from "../k8s/reader.js";
import { collectPrometheus, prometheusFromEnv } from "../prometheus/index.js";
import { clusterNameProblem, DEFAULT_CLUSTER } from "../queue/scope.js";
import {
  engineText,
  type InputMode,
  REPORT_FORMATS,
  type ReportFormat,
  renderMarkdown,
  renderRcaMarkdown,
  renderRcaText,
  renderReport,
  shouldColor,
} from "../report/index.js";
import { nameCluster, triage } from "../triage/index.js";
import { cliRca } from "./triage-model.js";

const USAGE = `usage: k8s-triage triage [namespace] [options]

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

/** The snapshot, where it came from, and the reader (kept open for the model) with its close. */
interface Collected {
  snapshot: Snapshot;
  scope: CollectScope;
  source: string;
  mode: InputMode;
  reader: ClusterReader;
  close(): Promise<void>;
}

async function collect(args: TriageArgs): Promise<Collected> {
  if (args.fromFile !== undefined) {
    const scope: CollectScope = args.allNamespaces
      ? { allNamespaces: true }
      : { namespace: args.namespace ?? "default" };
    const open = await openStateFile(args.fromFile, scope, {
      ...(args.simulate ? { simulate: true } : {}),
    });
    for (const warning of open.warnings) console.error(`warning: ${warning}`);
    return {
      snapshot: open.snapshot,
      scope,
      source: `state file ${args.fromFile}`,
      mode: open.simulated ? "simulated" : "recorded",
      reader: open.reader,
      close: open.close,
    };
  }
  const kc = loadKubeConfig({
    ...(args.kubeconfig !== undefined ? { kubeconfig: args.kubeconfig } : {}),
    ...(args.context !== undefined ? { context: args.context } : {}),
  });
  // Like kubectl: no namespace given means the context's namespace, else "default".
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const scope: CollectScope = args.allNamespaces
    ? { allNamespaces: true }
    : { namespace: args.namespace ?? contextNamespace ?? "default" };
  const reader = createClusterReader(kc);
  const close = async () => reader.close();
  try {
    const snapshot = await collectSnapshot(reader, scope, {
      source: { type: "live", ...(reader.context ? { context: reader.context } : {}), server: reader.server },
    });
    // Container checks from Prometheus when PROMETHEUS_URL is set (bounded; faults become gaps).
    const prometheus = prometheusFromEnv(prometheusEnv());
    if (prometheus && scope.namespace) {
      try {
        snapshot.prometheus = await collectPrometheus(prometheus, {
          namespace: scope.namespace,
          pods: snapshot.pods,
        });
      } finally {
        await prometheus.close();
      }
    }
    return {
      snapshot,
      scope,
      source: `context ${reader.context ?? "(none)"} at ${reader.server}`,
      mode: "live",
      reader,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A namespace that does not exist is an error worth a suggestion, not an empty report. It can
 * only be told when the namespace list was readable.
 */
function missingNamespace(snapshot: Snapshot, namespace: string): string | undefined {
  if (snapshot.gaps.some((gap) => gap.resource === "namespaces")) return undefined;
  const names = snapshot.namespaces.map((ns) => ns.metadata.name ?? "").filter((name) => name !== "");
  if (names.length === 0 || names.includes(namespace)) return undefined;
  if (snapshot.pods.length > 0 || snapshot.events.length > 0) return undefined;
  const close = closestNames(namespace, names);
  const hint =
    close.length > 0
      ? `did you mean ${close.map((name) => `'${name}'`).join(", ")}?`
      : `existing: ${names.sort().join(", ")}`;
  return `namespace '${namespace}' does not exist; ${hint}`;
}

/** Prints the report (and the RCA when Claude or a fallback note has something to add). */
function print(args: TriageArgs, result: TriageResult, rca: RcaReport, collected: Collected): void {
  const options = {
    color: shouldColor(),
    source: collected.source,
    mode: collected.mode,
    ...(args.evidenceDir !== undefined ? { evidenceDir: args.evidenceDir } : {}),
  };
  if (args.format === "json") {
    // The triage JSON stays the stable shape; the RCA joins it only when Claude was asked.
    const asked = !args.noLlm && Boolean(process.env.ANTHROPIC_API_KEY);
    const engine = rca.source === "model" ? "claude" : "deterministic";
    process.stdout.write(`${JSON.stringify(asked ? { ...result, engine, rca } : result, null, 2)}\n`);
    return;
  }
  process.stdout.write(renderReport(result, args.format, options));
  process.stdout.write(
    args.format === "markdown"
      ? `\n${renderRcaMarkdown(rca)}`
      : `\n${rca.source === "model" ? renderRcaText(rca) : `RCA by ${engineText(rca)}\n`}`,
  );
}

/** Triage, then the RCA (Claude's when configured), then the report and evidence. */
async function analyse(args: TriageArgs, collected: Collected, started: number): Promise<number> {
  const { snapshot, scope } = collected;
  if (!scope.allNamespaces) {
    const missing = missingNamespace(snapshot, scope.namespace);
    if (missing) {
      console.error(`k8s-triage triage: ${missing}`);
      return 1;
    }
  }
  const result: TriageResult = nameCluster(
    triage(snapshot, scope.allNamespaces ? {} : { namespace: scope.namespace }),
    args.cluster,
  );
  result.stats.apiRequests = snapshot.requestCount;
  result.stats.durationMs = Math.round(performance.now() - started);
  const rca = await cliRca({
    reader: collected.reader,
    result,
    namespace: scope.allNamespaces ? "*" : scope.namespace,
    noLlm: args.noLlm,
  });
  if (rca.source !== "model" && rca.fallbackReason && !args.noLlm && process.env.ANTHROPIC_API_KEY) {
    console.error(
      `k8s-triage triage: Claude's analysis failed, showing the deterministic one: ${rca.fallbackReason}`,
    );
  }
  if (args.evidenceDir !== undefined) {
    const markdown = renderMarkdown(result, {
      evidenceDir: args.evidenceDir,
      source: collected.source,
      mode: collected.mode,
    });
    await writeEvidence(args.evidenceDir, snapshot, result, `${markdown}\n${renderRcaMarkdown(rca)}`, rca);
  }
  print(args, result, rca, collected);
  if (args.evidenceDir !== undefined) console.error(`evidence written to ${args.evidenceDir}`);
  return 0;
}

/** `k8s-triage triage`: collect, analyse, report. */
export async function run(argv: string[]): Promise<number> {
  const started = performance.now();
  let args: TriageArgs;
  try {
    args = parseTriageArgs(argv);
  } catch (error) {
    console.error(`k8s-triage triage: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const collected = await collect(args);
    try {
      return await analyse(args, collected, started);
    } finally {
      await collected.close();
    }
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`k8s-triage triage: ${error.message}`);
      return 2;
    }
    if (error instanceof ClusterError) {
      console.error(`k8s-triage triage: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
