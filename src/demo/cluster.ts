import type { KubeObject } from "../domain/kube.js";
import { type ParsedState, parseStateFile } from "../sim/index.js";
import { loadScenarioText } from "../sim/scenarios/index.js";

/** The built-in scenarios the demo serves together, and the namespace each incident lives in. */
export const DEMO_SCENARIOS = [
  { scenario: "prod-api-outage", namespace: "prod-api" },
  { scenario: "a-team-missing-pvc", namespace: "a-team" },
] as const;

function objectKey(object: KubeObject): string {
  const { namespace = "", name } = object.metadata;
  return `${object.apiVersion}/${object.kind}/${namespace}/${name}`;
}

/**
 * One cluster state holding several scenarios: the worker reads and the executor writes through
 * ONE kubeconfig, so both incidents must live in one simulated cluster. Objects every scenario
 * carries (nodes, kube-system, the default StorageClass) are kept once, from the first scenario;
 * the clock and the API server health come from the first scenario that sets them.
 */
export function combinedScenarioState(names: readonly string[]): ParsedState {
  const combined: ParsedState = { objects: [], logs: [], warnings: [] };
  const seenObjects = new Set<string>();
  const seenLogs = new Set<string>();
  for (const name of names) {
    const state = parseStateFile(loadScenarioText(name), name);
    for (const object of state.objects) {
      const key = objectKey(object);
      if (seenObjects.has(key)) continue;
      seenObjects.add(key);
      combined.objects.push(object);
    }
    for (const entry of state.logs) {
      const key = `${entry.namespace}/${entry.pod}/${entry.container}/${entry.previous}`;
      if (seenLogs.has(key)) continue;
      seenLogs.add(key);
      combined.logs.push(entry);
    }
    combined.clock ??= state.clock;
    combined.readyz ??= state.readyz;
    combined.livez ??= state.livez;
    combined.warnings.push(...state.warnings);
  }
  return combined;
}
