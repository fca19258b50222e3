import { readFileSync } from "node:fs";
import type { AgentConfig } from "../agent/config.js";
import { investigateWithModel } from "../agent/investigate.js";
import { defaultPolicy } from "../config/policy.js";
import { type FakeAnthropic, type RecordedRequest, startFakeAnthropic } from "../dev/fake-anthropic.js";
import type { Trigger } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";
import { collectSnapshot } from "../k8s/collect.js";
import { createClusterReader, type KubeClusterReader } from "../k8s/kube-reader.js";
import { createExecutor } from "../remediation/executor.js";
import { startSimCluster } from "../sim/index.js";
import { scenarioPath } from "../sim/scenarios/index.js";
import { triage } from "../triage/index.js";
import { replayScript } from "./replay.js";

/** One evaluated incident: what was expected, what the loop said, what it cost. */
export interface EvalResult {
  name: string;
  namespace: string;
  expected: string[];
  got: string[];
  /** Every expected category named by the RCA, and the RCA came from the model. */
  matched: boolean;
  report: RcaReport;
  latencyMs: number;
  /** Request bodies sent to the (fake) model, replay mode only. */
  requests: RecordedRequest[];
}

export interface EvalOptions {
  /** Built-in scenario name, or a state file path with `stateFile`. */
  name: string;
  stateFile?: string;
  mode: "replay" | "live";
  config?: Partial<AgentConfig>;
  /** Runs before the cluster closes (the token bench measures the naive baseline here). */
  inspect?: (context: {
    reader: KubeClusterReader;
    triage: TriageResult;
    requests: RecordedRequest[];
  }) => Promise<void>;
}

/** The namespace to investigate: the one with the top root cause, else the first non-system one. */
function pickNamespace(all: TriageResult): string {
  const top = all.rootCauses.find((cause) => cause.resource.namespace)?.resource.namespace;
  return top ?? "default";
}

/** Serves the scenario, triages it, and runs the investigation loop (replayed or live). */
export async function evalIncident(options: EvalOptions): Promise<EvalResult> {
  const text = readFileSync(options.stateFile ?? scenarioPath(options.name), "utf8");
  const sim = await startSimCluster({ state: text });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  let fake: FakeAnthropic | undefined;
  try {
    const all = triage(await collectSnapshot(reader, { allNamespaces: true }, { now: sim.clock.now() }));
    const namespace = pickNamespace(all);
    const result = triage(await collectSnapshot(reader, { namespace }, { now: sim.clock.now() }), {
      namespace,
    });
    const expected = [...new Set(result.rootCauses.map((cause) => cause.category))].sort();
    if (options.mode === "replay") fake = await startFakeAnthropic({ script: replayScript() });
    const executor = createExecutor({ kubeConfig: sim.kubeConfig("executor") });
    const trigger: Trigger = {
      source: "cli",
      namespace,
      text: `eval ${options.name}`,
      receivedAt: sim.clock.now(),
    };
    const started = Date.now();
    const report = await investigateWithModel({
      reader,
      triage: result,
      trigger,
      policy: defaultPolicy(),
      dryRun: (proposal) => executor.dryRun(proposal),
      config: fake
        ? { apiKey: "replay", baseURL: fake.url, maxRetries: 0, ...options.config }
        : { ...options.config },
    });
    const latencyMs = Date.now() - started;
    const got = [...new Set(report.rootCauses.map((cause) => cause.category))].sort();
    const requests = fake?.requests ?? [];
    await options.inspect?.({ reader, triage: result, requests: [...requests] });
    return {
      name: options.name,
      namespace,
      expected,
      got,
      matched: report.source === "model" && expected.every((category) => got.includes(category)),
      report,
      latencyMs,
      requests: [...requests],
    };
  } finally {
    await fake?.close();
    reader.close();
    await sim.close();
  }
}
