import { prometheusEnv } from "../config/env.js";
import type { RcaReport } from "../domain/rca.js";
import type { Snapshot, TriageResult } from "../domain/types.js";
import { ClusterError, errorMessage, InputError } from "../errors.js";
import { type CollectScope, collectSnapshot } from "../k8s/collect.js";
import { writeEvidence } from "../k8s/evidence.js";
import { openStateFile } from "../k8s/from-file.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { loadKubeConfig } from "../k8s/kubeconfig.js";
import { closestNames } from "../k8s/namespaces.js";
import type { ClusterReader } from "../k8s/reader.js";
import { collectPrometheus, prometheusFromEnv } from "../prometheus/index.js";
import {
  engineText,
  type InputMode,
  renderMarkdown,
  renderRcaMarkdown,
  renderRcaText,
  renderReport,
  shouldColor,
} from "../report/index.js";
import { nameCluster, triage } from "../triage/index.js";
import { parseTriageArgs, type TriageArgs, USAGE } from "./triage-args.js";
import { cliRca } from "./triage-model.js";

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
