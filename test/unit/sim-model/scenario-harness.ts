import type { Pod, Workload } from "../../../src/domain/kube.js";
import { reconcileCluster } from "../../../src/sim/model/index.js";
import { loadScenarioText } from "../../../src/sim/scenarios/index.js";
import { parseStateFile } from "../../../src/sim/state-file.js";
import { MemoryView } from "./memory-view.js";

/** A scenario parsed with the state-file parser and reconciled in an in-memory view. */
export function loadScenario(name: string): { view: MemoryView; warnings: string[]; readyz?: string } {
  const state = parseStateFile(loadScenarioText(name), name);
  const view = new MemoryView(state.clock);
  view.load(state.objects);
  reconcileCluster(view);
  return { view, warnings: state.warnings, ...(state.readyz ? { readyz: state.readyz } : {}) };
}

/** Pods of a namespace whose name starts with `prefix`. */
export function podsNamed(view: MemoryView, namespace: string, prefix: string): Pod[] {
  return (view.list("Pod", namespace) as Pod[]).filter((pod) => pod.metadata.name?.startsWith(`${prefix}-`));
}

/** The waiting reason of the first (init, else app) container that is not running. */
export function waitingReason(pod: Pod): string | undefined {
  const init = pod.status?.initContainerStatuses?.find((status) => status.state?.waiting);
  if (init?.state?.waiting?.reason) return `Init:${init.state.waiting.reason}`;
  return pod.status?.containerStatuses?.find((status) => status.state?.waiting)?.state?.waiting?.reason;
}

export function ready(pod: Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

export function deploymentOf(view: MemoryView, namespace: string, name: string): Workload {
  return view.get("Deployment", namespace, name) as Workload;
}
