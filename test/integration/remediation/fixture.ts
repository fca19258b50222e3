import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import type { RemediationAuditEntry } from "../../../src/remediation/audit.js";
import { createExecutor, type Executor } from "../../../src/remediation/executor.js";
import {
  type Identity,
  isMutating,
  type RecordedRequest,
  type SimCluster,
  startSimCluster,
} from "../../../src/sim/index.js";

/** A simulated cluster with the two identities wired as in production: reader and executor. */
export interface Harness {
  sim: SimCluster;
  reader: KubeClusterReader;
  executor: Executor;
  audit: RemediationAuditEntry[];
  /** Appends to `audit`; give it to runRemediation as its sink. */
  sink: (entry: RemediationAuditEntry) => Promise<void>;
  clock: { now: () => number };
  /** Sleeping advances the simulated clock (the model runs on every advance). */
  sleep: (ms: number) => Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  state?: string;
  scenario?: string;
  warmupMs?: number;
  /** Extra identities on the cluster, and which one the executor uses (default "executor"). */
  identities?: Identity[];
  executorIdentity?: string;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const sim = await startSimCluster({
    ...(options.state !== undefined ? { state: options.state } : { scenario: options.scenario ?? "" }),
    ...(options.identities ? { identities: options.identities } : {}),
  });
  // Let the model bring the state to its steady (failing) condition before anything proposes.
  for (let elapsed = 0; elapsed < (options.warmupMs ?? 120_000); elapsed += 10_000) sim.clock.advance(10_000);
  const audit: RemediationAuditEntry[] = [];
  const sink = async (entry: RemediationAuditEntry) => {
    audit.push(entry);
  };
  const clock = { now: () => sim.clock.nowMs() };
  const reader = createClusterReader(sim.kubeConfig("reader"));
  const executor = createExecutor({
    kubeConfig: sim.kubeConfig(options.executorIdentity ?? "executor"),
    clock,
    audit: sink,
  });
  return {
    sim,
    reader,
    executor,
    audit,
    sink,
    clock,
    sleep: async (ms) => sim.clock.advance(ms),
    close: async () => {
      reader.close();
      await sim.close();
    },
  };
}

/** The mutating requests in the record, as `identity verb resource/name dryRun status`. */
export function writes(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter(isMutating)
    .map(
      (r) =>
        `${r.identity} ${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ""}/${r.name ?? ""}${r.dryRun ? " dryRun" : ""} ${r.status}`,
    );
}
