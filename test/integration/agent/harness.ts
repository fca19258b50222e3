import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RemediationProposal } from "../../../src/domain/actions.js";
import type { TriageResult } from "../../../src/domain/types.js";
import { collectSnapshot } from "../../../src/k8s/collect.js";
import { createClusterReader, type KubeClusterReader } from "../../../src/k8s/kube-reader.js";
import { createExecutor } from "../../../src/remediation/executor.js";
import { type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { triage } from "../../../src/triage/index.js";

/** The agent's test incident: a simulated cluster, the reader identity's client, the triage. */
export interface Incident {
  sim: SimCluster;
  reader: KubeClusterReader;
  triage: TriageResult;
  dryRun: (proposal: RemediationProposal) => Promise<{ ok: boolean; message: string }>;
  close(): Promise<void>;
}

export const MINI_STATE = readFileSync(
  fileURLToPath(new URL("./fixtures/prod-api-mini.yaml", import.meta.url)),
  "utf8",
);

/** Every env value of the state file whose name looks secret, plus the Secret's data. */
export function secretValues(stateText: string): string[] {
  const values = new Set<string>();
  const env = /\{name: ([A-Z_]+), value: ([^}\s]+)\}/g;
  for (const match of stateText.matchAll(env)) values.add(match[2]!);
  values.add("cGE1NXcwcmQtcGF5bWVudHMtcHJvZA==");
  return [...values];
}

/** Starts the cluster from state text (statuses as given) and triages `namespace`. */
export async function startIncident(state: string, namespace = "prod-api"): Promise<Incident> {
  const sim = await startSimCluster({ state, reconciler: null });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  const snapshot = await collectSnapshot(reader, { namespace }, { now: sim.clock.now() });
  const executor = createExecutor({ kubeConfig: sim.kubeConfig("executor") });
  return {
    sim,
    reader,
    triage: triage(snapshot, { namespace }),
    dryRun: (proposal) => executor.dryRun(proposal),
    async close() {
      reader.close();
      await sim.close();
    },
  };
}
