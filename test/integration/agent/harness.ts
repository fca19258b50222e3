import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
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

/**
 * Every secret-looking value of a state file: env values whose name says secret (key, password,
 * token, webhook…) and Secret data, raw and base64-decoded.
 */
export function scenarioSecrets(stateText: string): string[] {
  const values = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.name === "string" && typeof record.value === "string" && SECRET_ENV.test(record.name)) {
      values.add(record.value);
    }
    if (record.kind === "Secret") {
      for (const value of Object.values((record.data ?? {}) as Record<string, string>)) {
        values.add(value);
        values.add(Buffer.from(value, "base64").toString("utf8"));
      }
      for (const value of Object.values((record.stringData ?? {}) as Record<string, string>))
        values.add(value);
    }
    for (const value of Object.values(record)) walk(value);
  };
  for (const doc of parseAllDocuments(stateText)) walk(doc.toJS());
  return [...values].filter((value) => value.length >= 6);
}

const SECRET_ENV = /KEY|PASS|TOKEN|SECRET|WEBHOOK|SIGNING|CREDENTIAL|DSN/i;

/** Starts the cluster from state text (statuses as given unless `model`) and triages `namespace`. */
export async function startIncident(state: string, namespace = "prod-api", model = false): Promise<Incident> {
  const sim = await startSimCluster({ state, ...(model ? {} : { reconciler: null }) });
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
